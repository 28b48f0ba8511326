#!/usr/bin/env bash
# Downloads (does not install) the Debian 12 packages nnbench builds against into .gpu-deps/, so
# they can travel to the GPU machine, which has no network. scripts/gpu-check.sh unpacks them
# there with `dpkg -x` into /opt/nnbench-deps. Run here, on the development machine:
#   scripts/fetch-gpu-deps.sh            # then: device run ... carry: [".gpu-deps"]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${root}/.gpu-deps"

# Headers and CMake configs (-dev) and the shared libraries they link (runtime packages).
# googletest/gmock are static in Debian 12 (libgtest-dev ships libgtest.a).
packages=(
  nlohmann-json3-dev
  libcli11-dev
  libfmt-dev libfmt9
  libspdlog-dev libspdlog1.10
  libyaml-cpp-dev libyaml-cpp0.7
  libgtest-dev libgmock-dev
  libbenchmark-dev libbenchmark1debian
  zlib1g-dev
)

mkdir -p "${dest}"
if ! apt-cache show "${packages[0]}" >/dev/null 2>&1; then
  apt-get update -qq
fi
rm -f "${dest}"/*.deb
(cd "${dest}" && apt-get download -q "${packages[@]}")
echo "fetched $(compgen -G "${dest}/*.deb" | wc -l) packages into ${dest} ($(du -sh "${dest}" | cut -f1)):"
ls -1 "${dest}"
