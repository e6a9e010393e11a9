#!/usr/bin/env bash
# Installs the Debian packages spinelab needs, only those that are missing.
# Fast (a dpkg query) when everything is present. Run as root or with sudo.
# --fuzz: also clang and its libFuzzer runtime, for `make fuzz` only (`make test` needs no clang).
# --peers: also DART 6.12, for `make bench-peers` only (Simbody, the older peer, is in the list).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache
  libeigen3-dev                 # linear algebra
  libbullet-dev                 # rigid bodies + contact (ships the float64 build: bullet-float64.pc)
  libsimbody-dev                # peer comparison only (benchmarks/peers, `make bench-peers`)
  libhdf5-dev                   # results files (C API)
  libgtest-dev libgmock-dev     # tests
  libbenchmark-dev              # benchmarks
  libtomlplusplus-dev           # model + scenario files
  libcli11-dev                  # command line
  libfmt-dev libspdlog-dev      # formatting + logging
  libboost-dev                  # Boost.Odeint (bubble dynamics)
  libopenmpi-dev openmpi-bin    # `mpirun -np N spinelab batch` (distributed batches)
  libimgui-dev libglfw3-dev libgl-dev libstb-dev libopenal-dev   # viewer (screenshots: stb; the pop: OpenAL)
  ffmpeg                        # viewer --video (H.264 + AAC through the ffmpeg program)
  xvfb xauth libgl1-mesa-dri    # headless viewer tests (Mesa software GL)
  hdf5-tools                    # h5dump in tests
  python3-h5py python3-numpy python3-matplotlib python3-pandas   # examples and their tests (use /usr/bin/python3)
  pybind11-dev python3-dev      # the Python module `import spinelab` (build/python/spinelab, docs/python.md)
)

if [ "${1:-}" = "--fuzz" ]; then
  packages+=(clang libclang-rt-14-dev)   # libFuzzer + ASan/UBSan runtimes (`make fuzz`)
fi
if [ "${1:-}" = "--peers" ]; then
  packages+=(libdart-all-dev)            # DART 6.12 peer on the bushing chain (`make bench-peers`)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
