# gen_docs.cmake - cmake -DUNIKA=<the built unika> -DOUT=<dir> -P gen_docs.cmake
#
# Writes the man pages (OUT/man1/unika.1, unika-<command>.1) and the shell
# completions (OUT/bash/unika, OUT/zsh/_unika) by running the command itself:
# they come from the same option tables as its --help (src/cli/spec.h), so
# what is installed describes exactly what the installed command accepts.
foreach(_v UNIKA OUT)
  if(NOT ${_v})
    message(FATAL_ERROR "gen_docs.cmake: -D${_v}=... is required")
  endif()
endforeach()

function(_run _out)
  execute_process(COMMAND ${UNIKA} ${ARGN} OUTPUT_FILE ${_out} RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "'unika ${ARGN}' failed (${_rc})")
  endif()
endfunction()

file(REMOVE_RECURSE ${OUT}/man1 ${OUT}/bash ${OUT}/zsh)
file(MAKE_DIRECTORY ${OUT}/man1 ${OUT}/bash ${OUT}/zsh)
execute_process(COMMAND ${UNIKA} help --commands OUTPUT_VARIABLE _commands RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "'unika help --commands' failed (${_rc})")
endif()
string(REGEX REPLACE "\n$" "" _commands "${_commands}")
string(REPLACE "\n" ";" _commands "${_commands}")
_run(${OUT}/man1/unika.1 help --man)
foreach(_c ${_commands})
  _run(${OUT}/man1/unika-${_c}.1 help --man ${_c})
endforeach()
_run(${OUT}/bash/unika completion bash)
_run(${OUT}/zsh/_unika completion zsh)
file(TOUCH ${OUT}/stamp)
