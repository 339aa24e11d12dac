# Browser build: cmake -S . -B build-web -DCMAKE_TOOLCHAIN_FILE=emsdk-toolchain.cmake
#
# Finds Emscripten's own CMake toolchain file in an emsdk install ($EMSDK) or in Debian's
# `emscripten` package, then includes it. Pass -DORBIT_EMSCRIPTEN_TOOLCHAIN=<file> to pick
# another one.

# CMake reads this file again for every try_compile, and again when the build tool re-runs
# CMake, where $EMSDK may not be set; caching the choice keeps all of those on one Emscripten.
if(NOT ORBIT_EMSCRIPTEN_TOOLCHAIN)
  set(_orbit_candidates)
  if(DEFINED ENV{EMSDK})
    list(APPEND _orbit_candidates "$ENV{EMSDK}/upstream/emscripten/cmake/Modules/Platform/Emscripten.cmake")
  endif()
  list(APPEND _orbit_candidates "/usr/share/emscripten/cmake/Modules/Platform/Emscripten.cmake")
  foreach(_orbit_candidate IN LISTS _orbit_candidates)
    if(EXISTS "${_orbit_candidate}")
      set(ORBIT_EMSCRIPTEN_TOOLCHAIN "${_orbit_candidate}" CACHE FILEPATH
          "Emscripten's CMake toolchain file, found by emsdk-toolchain.cmake")
      break()
    endif()
  endforeach()
  if(NOT ORBIT_EMSCRIPTEN_TOOLCHAIN)
    string(REPLACE ";" "\n  " _orbit_tried "${_orbit_candidates}")
    message(FATAL_ERROR
      "emsdk-toolchain.cmake: no Emscripten found. Looked for\n  ${_orbit_tried}\n"
      "Activate an emsdk (source emsdk_env.sh, which sets EMSDK) or run scripts/setup.sh "
      "(installs Debian's emscripten package).")
  endif()
endif()

include("${ORBIT_EMSCRIPTEN_TOOLCHAIN}")

# Debian's emcc runs its JS optimizer with the system Node.js, which does not look in
# /usr/share/nodejs where Debian keeps acorn; emsdk ships acorn beside emcc instead.
# An environment variable set here would reach configure-time runs of emcc only, so
# compiles and links get it through a launcher.
get_filename_component(_orbit_emscripten_root "${ORBIT_EMSCRIPTEN_TOOLCHAIN}/../../../.." ABSOLUTE)
if(NOT EXISTS "${_orbit_emscripten_root}/node_modules/acorn" AND EXISTS "/usr/share/nodejs/acorn")
  set(ENV{NODE_PATH} "/usr/share/nodejs")
  foreach(_orbit_lang C CXX)
    if(NOT CMAKE_${_orbit_lang}_COMPILER_LAUNCHER)
      set(CMAKE_${_orbit_lang}_COMPILER_LAUNCHER env NODE_PATH=/usr/share/nodejs)
    endif()
    # CMake 3.21+; older versions ignore it, and then the caller must export NODE_PATH.
    if(NOT CMAKE_${_orbit_lang}_LINKER_LAUNCHER)
      set(CMAKE_${_orbit_lang}_LINKER_LAUNCHER env NODE_PATH=/usr/share/nodejs)
    endif()
  endforeach()
endif()
