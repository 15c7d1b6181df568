# Fails when a file under core/ includes a QtGui or QtWidgets header. The link-time check in
# core/CMakeLists.txt cannot see an include that happens to compile through a shared include root.
#   cmake -DSOURCE_DIR=<repo> -P CheckCoreGuiFree.cmake
file(GLOB_RECURSE sources "${SOURCE_DIR}/core/*.h" "${SOURCE_DIR}/core/*.cpp")
set(pattern "#[ \t]*include[ \t]*<(QtWidgets|QtGui|QWidget|QMainWindow|QDialog|QApplication|QGuiApplication|QPixmap|QImage|QIcon|QColor|QPainter|QFont|QPalette)[/>]")
set(offenders "")
foreach(f IN LISTS sources)
    file(STRINGS "${f}" hits REGEX "${pattern}")
    if(hits)
        list(APPEND offenders "${f}: ${hits}")
    endif()
endforeach()
list(LENGTH sources count)
if(offenders)
    list(JOIN offenders "\n" text)
    message(FATAL_ERROR "core/ must stay GUI-free:\n${text}")
endif()
message(STATUS "core/ is GUI-free (${count} files checked)")
