#!/usr/bin/env bash
# Copies Fashion-MNIST's four .gz files from the Debian package's directory into the repo's
# git-ignored .data/fashion-mnist/, so they can travel with the working tree to a machine that
# lacks the package (the GPU machine): there, run with `--data .data/fashion-mnist`.
# Files already there with the same content are left alone.
#
# Usage: scripts/copy-fashion-mnist.sh [SOURCE_DIR]   (default /usr/share/datasets/fashion-mnist)
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
  -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
esac
source_dir="${1:-/usr/share/datasets/fashion-mnist}"
target_dir=".data/fashion-mnist"
files=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz
       t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)

say() { echo "copy-fashion-mnist: $*"; }

if [ ! -d "$source_dir" ]; then
  say "$source_dir does not exist; install the Debian package dataset-fashion-mnist" \
      "(sudo apt-get install dataset-fashion-mnist) or name a directory holding ${files[*]}" >&2
  exit 2
fi
for file in "${files[@]}"; do
  if [ ! -f "$source_dir/$file" ]; then
    say "$source_dir/$file is missing; expected ${files[*]}" >&2
    exit 2
  fi
  if ! gzip -t "$source_dir/$file"; then
    say "$source_dir/$file is not a valid gzip file" >&2
    exit 2
  fi
done

mkdir -p "$target_dir"
for file in "${files[@]}"; do
  if cmp -s "$source_dir/$file" "$target_dir/$file"; then
    say "$target_dir/$file is up to date"
  else
    cp "$source_dir/$file" "$target_dir/$file.tmp"
    mv "$target_dir/$file.tmp" "$target_dir/$file"
    say "copied $source_dir/$file -> $target_dir/$file"
  fi
done
say "done: $(du -sh "$target_dir" | cut -f1) in $target_dir (git-ignored)"
