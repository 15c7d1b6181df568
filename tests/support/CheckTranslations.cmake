# SPDX-License-Identifier: GPL-3.0-or-later
# The German and French catalogues are current and complete:
#  - lupdate over core/, ui/ and app/ finds no source text missing from a .ts file (it would change it);
#  - lrelease finds no unfinished or untranslated entry.
# cmake -DLUPDATE=… -DLRELEASE=… -DSOURCE_DIR=… -DWORK_DIR=… -P CheckTranslations.cmake
set(problems "")
foreach(lang de fr)
    set(ts "${SOURCE_DIR}/translations/vigil_${lang}.ts")
    set(copy "${WORK_DIR}/vigil_${lang}.ts")
    file(MAKE_DIRECTORY "${WORK_DIR}")
    configure_file("${ts}" "${copy}" COPYONLY)
    execute_process(
        COMMAND "${LUPDATE}" -locations none -no-obsolete -target-language ${lang} core ui app -ts "${copy}"
        WORKING_DIRECTORY "${SOURCE_DIR}"
        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
        string(APPEND problems "lupdate failed for ${lang}: ${err}\n")
        continue()
    endif()
    file(READ "${ts}" before)
    file(READ "${copy}" after)
    if(NOT before STREQUAL after)
        string(REGEX MATCH "Found [0-9]+ source text\\(s\\) \\([0-9]+ new and [0-9]+ already existing\\)" found "${out}")
        string(APPEND problems "translations/vigil_${lang}.ts is out of date (${found}); run "
               "'cmake --build build --target update_translations' and translate the new entries\n")
    endif()
    execute_process(
        COMMAND "${LRELEASE}" "${ts}" -qm "${WORK_DIR}/vigil_${lang}.qm"
        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    string(REGEX MATCH "\\(([0-9]+) finished and ([0-9]+) unfinished\\)" counts "${out}")
    if(NOT rc EQUAL 0 OR NOT counts)
        string(APPEND problems "lrelease failed for ${lang}: ${out}${err}\n")
        continue()
    endif()
    if(NOT CMAKE_MATCH_2 EQUAL 0)
        string(APPEND problems "translations/vigil_${lang}.ts: ${CMAKE_MATCH_2} unfinished entries\n")
    endif()
    if(out MATCHES "Ignored ([0-9]+) untranslated")
        string(APPEND problems "translations/vigil_${lang}.ts: ${CMAKE_MATCH_1} untranslated entries\n")
    endif()
    message(STATUS "vigil_${lang}: ${CMAKE_MATCH_1} finished")
endforeach()
if(problems)
    message(FATAL_ERROR "${problems}")
endif()
