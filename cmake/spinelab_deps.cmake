# Third-party dependencies, all from Debian packages (scripts/install-deps.sh). Nothing vendored.
find_package(PkgConfig REQUIRED)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
# Bullet in double precision: Debian ships it as bullet-float64.pc (-DBT_USE_DOUBLE_PRECISION)
pkg_check_modules(BULLET REQUIRED IMPORTED_TARGET bullet-float64)
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)
# HDF5 (C API, serial build) for results files
pkg_check_modules(HDF5 REQUIRED IMPORTED_TARGET hdf5-serial)
find_package(CLI11 REQUIRED)
find_package(fmt REQUIRED)
if(SPINELAB_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(SPINELAB_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
find_package(Threads REQUIRED)
# MPI (Debian's OpenMPI) for `mpirun -np N spinelab batch`; without it batch runs in one process
find_package(MPI COMPONENTS CXX)
