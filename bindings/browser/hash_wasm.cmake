# Names orbit.wasm after its content, so that browsers may keep it for good (orbit-server sends
# a name carrying a 16-hex-digit hash as "immutable"; server/static_files.hpp cacheControlFor).
#
#   cmake -DWEB=<the site folder> -DSTEP=wasm -P hash_wasm.cmake
#     after each link: orbit.<hash>.wasm (and its .gz and .br) beside orbit.wasm, older ones
#     removed, and orbit.js asking for it;
#   cmake -DWEB=<the site folder> -DSTEP=page -DPAGE=<web/index.html> -P hash_wasm.cmake
#     the page, preloading the same name.
#
# orbit.wasm itself stays, for anyone who locates it by its plain name.
file(SHA256 "${WEB}/orbit.wasm" sum)
string(SUBSTRING "${sum}" 0 16 hash)
set(name "orbit.${hash}.wasm")

if(STEP STREQUAL "wasm")
  file(GLOB old "${WEB}/orbit.*.wasm" "${WEB}/orbit.*.wasm.gz" "${WEB}/orbit.*.wasm.br")
  foreach(file IN LISTS old)
    get_filename_component(base "${file}" NAME)
    if(NOT base MATCHES "^${name}")
      file(REMOVE "${file}")
    endif()
  endforeach()
  foreach(suffix "" ".gz" ".br")
    if(EXISTS "${WEB}/orbit.wasm${suffix}")
      file(COPY_FILE "${WEB}/orbit.wasm${suffix}" "${WEB}/${name}${suffix}")
    endif()
  endforeach()
  file(READ "${WEB}/orbit.js" js)
  string(REPLACE "wasmBinaryFile=\"orbit.wasm\"" "wasmBinaryFile=\"${name}\"" hashed "${js}")
  if(hashed STREQUAL js)
    message(FATAL_ERROR "orbit.js does not name orbit.wasm the way this script expects (wasmBinaryFile=\"orbit.wasm\")")
  endif()
  file(WRITE "${WEB}/orbit.js" "${hashed}")
elseif(STEP STREQUAL "page")
  file(READ "${PAGE}" page)
  string(REPLACE "href=\"orbit.wasm\"" "href=\"${name}\"" hashed "${page}")
  if(hashed STREQUAL page)
    message(FATAL_ERROR "${PAGE} does not preload orbit.wasm (href=\"orbit.wasm\")")
  endif()
  get_filename_component(out "${PAGE}" NAME)
  file(WRITE "${WEB}/${out}" "${hashed}")
else()
  message(FATAL_ERROR "STEP must be wasm or page")
endif()
