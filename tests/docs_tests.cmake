# docs/tests.md must be what `peil-agent tests --format markdown` prints: on a difference,
# shows it and fails. Run by ctest as docs_tests with AGENT and DOC set.
execute_process(COMMAND ${AGENT} tests --format markdown
  OUTPUT_FILE ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "peil-agent tests --format markdown exited ${rc}")
endif()
execute_process(COMMAND diff -u ${DOC} ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "docs/tests.md differs from peil-agent tests --format markdown; "
    "regenerate it: peil-agent tests --format markdown > docs/tests.md")
endif()
