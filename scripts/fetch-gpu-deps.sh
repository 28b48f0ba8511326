#!/usr/bin/env bash
# Downloads (does not install) the Debian 12 packages nnbench builds against into .gpu-deps/, so
# they can travel to the GPU machine, which has no network. scripts/gpu-check.sh unpacks them
# there with `dpkg -x` into /opt/nnbench-deps. Run here, on the development machine:
#   scripts/fetch-gpu-deps.sh            # then: device run ... carry: [".gpu-deps", ".whl"]
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
  libgloo-dev
)

mkdir -p "${dest}"
if ! apt-cache show "${packages[0]}" >/dev/null 2>&1; then
  apt-get update -qq
fi
rm -f "${dest}"/*.deb
(cd "${dest}" && apt-get download -q "${packages[@]}")
echo "fetched $(compgen -G "${dest}/*.deb" | wc -l) packages into ${dest} ($(du -sh "${dest}" | cut -f1)):"
ls -1 "${dest}"

# The GPU machine's python3 (3.12) lacks jsonschema, which the schema tests use, and matplotlib
# and plotly, which `nnbench report` draws with: their wheels and those of their dependencies go
# to .whl/ (carry it too).
wheels="${root}/.whl"
python="${root}/.venv/bin/python"; [[ -x "${python}" ]] || python=python3
mkdir -p "${wheels}"
"${python}" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 \
  --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
  --platform manylinux2014_x86_64 -d "${wheels}" \
  jsonschema==4.26.0 jsonschema-specifications==2025.9.1 referencing==0.37.0 rpds-py==2026.9.1 \
  matplotlib==3.10.9 contourpy==1.3.3 cycler==0.12.1 fonttools==4.68.0 kiwisolver==1.5.1 \
  packaging==26.4 pillow==13.0.0 pyparsing==3.3.3 python-dateutil==4.0.0 tzdata==2026.6 \
  plotly==6.5.0 narwhals==2.29.0
# The cross-framework suite's jax backend: the GPU machine has JAX (with its CUDA plugin) but not
# Flax or Optax; these are pure Python (msgpack and PyYAML aside) and import without orbax.
"${python}" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 \
  --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
  --platform manylinux2014_x86_64 -d "${wheels}" \
  flax==0.12.8 optax==0.2.8 msgpack==1.2.4 treescope==0.1.10 absl-py==2.5.1 rich==15.0.0 \
  markdown-it-py==4.3.0 mdurl==0.1.2 pygments==2.21.0 PyYAML==6.0.4
# Bring your own model (issue 28): transformers writes the Llama checkpoint directory nnbench's
# decoder reads (GPU_CHECK_SUBSET=byom-llama); safetensors and the hub client come with it. Into
# .whl-models/ (carry it instead of .whl on that trip: both together pass the 64 MiB a trip carries).
"${python}" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 \
  --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
  --platform manylinux2014_x86_64 -d "${root}/.whl-models" \
  transformers==5.25.0 safetensors==0.8.0 huggingface_hub==2.5.0 tokenizers==0.23.3 \
  regex==2026.12.2 tqdm==4.70.1 hf-xet==1.8.0 httpx2==2.17.0 httpcore2==2.17.0 h11==0.16.0 \
  anyio==4.16.0 click==8.5.1 typer==0.29.3 shellingham==1.5.4 annotated-doc==0.0.7 \
  truststore==0.10.5
echo "fetched $(compgen -G "${wheels}/*.whl" | wc -l) wheels into ${wheels}"
