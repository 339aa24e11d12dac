# The soak's samples (orbit-soak --samples: seconds rss_kb fds clients rooms phase) as a PNG:
# the server's RSS over time, with its open fds and connected clients on the right axis.
#   gnuplot -e "samples='samples.dat'; png='soak.png'" tests/soak/plot.gnuplot
set terminal pngcairo size 1000,500 noenhanced font ",10"
set output png
set title "orbit-server under the soak: RSS, open fds and clients, sampled every second"
set xlabel "time (minutes)"
set ylabel "RSS (MiB)"
set y2label "open fds, connected clients"
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set key bottom right
set grid
plot samples using ($1/60):($2/1024) with lines lw 2 title "RSS (MiB)", \
     samples using ($1/60):3 axes x1y2 with lines title "open fds", \
     samples using ($1/60):($4 < 0 ? 1/0 : $4) axes x1y2 with lines title "connected clients"
