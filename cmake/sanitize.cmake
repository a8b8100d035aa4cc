# SMTPSPEC_SANITIZE=address,undefined (or thread) builds every target of the project with those
# sanitizers, compile and link, for ci/sanitize; empty (the default) leaves the build untouched.
# It is directory-wide rather than on smtpspec_warnings because the sanitizer runtime must be
# linked into every executable, including test tools that do not take the project's warnings.
set(SMTPSPEC_SANITIZE "" CACHE STRING "Sanitizers for every project target: address,undefined or thread (empty: none)")
set_property(CACHE SMTPSPEC_SANITIZE PROPERTY STRINGS "" "address,undefined" "address" "undefined" "thread")

if(SMTPSPEC_SANITIZE)
  string(REPLACE "," ";" sanitizers "${SMTPSPEC_SANITIZE}")
  foreach(sanitizer IN LISTS sanitizers)
    if(NOT sanitizer MATCHES "^(address|undefined|thread)$")
      message(FATAL_ERROR "SMTPSPEC_SANITIZE: unknown sanitizer '${sanitizer}' (address, undefined or thread)")
    endif()
  endforeach()
  if(SMTPSPEC_FUZZ)
    message(FATAL_ERROR "SMTPSPEC_SANITIZE and SMTPSPEC_FUZZ cannot be combined: the fuzz build has its own sanitizers (ci/fuzz)")
  endif()
  if("thread" IN_LIST sanitizers AND "address" IN_LIST sanitizers)
    message(FATAL_ERROR "SMTPSPEC_SANITIZE: thread and address cannot be combined")
  endif()
  set(sanitize_flags -fsanitize=${SMTPSPEC_SANITIZE} -fno-omit-frame-pointer)
  if("undefined" IN_LIST sanitizers)
    # A UBSan finding aborts the process, so that it fails the test instead of scrolling past.
    list(APPEND sanitize_flags -fno-sanitize-recover=undefined)
  endif()
  if("thread" IN_LIST sanitizers)
    # g++ 12 warns (-Wtsan) that ThreadSanitizer does not model std::atomic_thread_fence, which
    # Asio's completion handlers use; left as a warning it would fail the -Werror build. A race
    # TSan then misreports would show as a report from Asio's own code, not be hidden.
    list(APPEND sanitize_flags -Wno-tsan)
  endif()
  add_compile_options(${sanitize_flags})
  add_link_options(${sanitize_flags})
  # Executables are linked without PIE: a sanitized PIE spends most of its start-up in the dynamic
  # loader, applying over a million relative relocations (UBSan's per-check data, ASan's globals),
  # and the tests start smtpspec and misbehaving_server hundreds of times as stdio servers.
  add_link_options($<$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>:-no-pie>)
  message(STATUS "smtpspec: sanitizers ${SMTPSPEC_SANITIZE}")
endif()
