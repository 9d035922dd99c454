#!/usr/bin/env bash
# ctest entry (label: package): the .deb installs on a clean Debian 12 and runs there.
#   1. a Release build (GATECHECK_PACKAGE_DIR, default build/package) and `cpack -G DEB`;
#   2. a minimal Debian 12 root file system: `debootstrap --variant=minbase bookworm` from this machine's Debian
#      mirror, cached as ~/.cache/gatecheck/debian12-rootfs.tar (GATECHECK_ROOTFS_REFRESH=1 makes it again);
#   3. unpacked into a temporary folder, `apt-get install ./gatecheck_*.deb` in a chroot (so apt resolves the
#      Depends that dpkg-shlibdeps computed), then, as nobody: `gatecheck --version`, `gatecheck run --report
#      junit=/tmp/j.xml` (exit 0, the file written), the installed suites listed from /usr/share/gatecheck, and a
#      failing run (--mock-fault no-done: exit 1) whose report links a check page the package installed.
# It takes minutes, so it is skipped (77) unless GATECHECK_PACKAGE_TEST=1:
#   GATECHECK_PACKAGE_TEST=1 ctest --test-dir build/test -L package --output-on-failure
#   GATECHECK_PACKAGE_TEST=1 tests/package/deb_test.sh
# Needs root (debootstrap, chroot, mount) and debootstrap, dpkg-dev and file (scripts/setup --package); asked for
# with GATECHECK_PACKAGE_TEST=1, a missing one fails the test. Other settings: GATECHECK_CACHE_DIR (the cache
# folder), GATECHECK_DEBIAN_MIRROR (default: the bookworm mirror in /etc/apt/sources.list*), GATECHECK_JOBS
# (build parallelism, default nproc). Prints each phase's time and the .deb's size at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)

if [[ ${GATECHECK_PACKAGE_TEST:-0} != 1 ]]; then
  echo "SKIPPED: the package test takes minutes (a Release build, cpack, apt-get in a Debian 12 chroot)."
  echo "Run it with: GATECHECK_PACKAGE_TEST=1 ctest -L package --output-on-failure (as root, after scripts/setup --package)"
  exit 77
fi

fail() {
  echo "package test: FAILED: $*" >&2
  exit 1
}
[[ $(id -u) -eq 0 ]] || fail "needs root, for debootstrap, chroot and mount"
for tool in debootstrap dpkg-shlibdeps file dpkg-deb chroot mount umount findmnt tar cmake cpack timeout; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed (scripts/setup --package installs what is missing)"
done

started=$(date +%s.%N)
phase_started=$started
timings=()
seconds_since() { awk -v now="$(date +%s.%N)" -v then="$1" 'BEGIN { printf "%.1f", now - then }'; }
phase_done() {  # phase_done NAME: records the seconds since the previous phase ended
  timings+=("$(printf '%-48s %7s s' "$1" "$(seconds_since "$phase_started")")")
  phase_started=$(date +%s.%N)
}

work=$(mktemp -d /tmp/gatecheck-package.XXXXXX)
mounted=()
cleanup() {
  local status=$? index
  for ((index = ${#mounted[@]} - 1; index >= 0; index--)); do
    umount "${mounted[index]}" 2>/dev/null || umount --lazy "${mounted[index]}" 2>/dev/null || true
  done
  if findmnt -rn -o TARGET | grep -q "^$work"; then
    echo "package test: something is still mounted under $work; left in place, unmount it and delete it" >&2
  else
    rm -rf --one-file-system "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- 1. Release build and cpack -------------------------------------------------------------------------------
build=${GATECHECK_PACKAGE_DIR:-$source_dir/build/package}
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
echo "package test: building $build (Release)"
# /usr: the prefix the package installs to, so that the paths compiled in (the docs reports link to) match;
# -U: the docs URL cached by an earlier configuration of this tree (another prefix) is derived again.
cmake -S "$source_dir" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DGATECHECK_TESTS=OFF \
  -DCMAKE_INSTALL_PREFIX=/usr -U GATECHECK_DOCS_URL >"$work/configure.log" 2>&1 ||
  { tail -30 "$work/configure.log"; fail "cmake could not configure $build"; }
cmake --build "$build" --parallel "${GATECHECK_JOBS:-$(nproc)}" >"$work/build.log" 2>&1 ||
  { tail -40 "$work/build.log"; fail "the Release build failed"; }
phase_done "Release build (cmake --build)"

echo "package test: cpack -G DEB"
(cd "$build" && cpack -G DEB -B "$work/deb") >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack failed"; }
debs=("$work"/deb/gatecheck_*.deb)
[[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || fail "cpack wrote no gatecheck_*.deb (or several): ${debs[*]}"
deb=${debs[0]}
phase_done "cpack -G DEB"
dpkg-deb --field "$deb" Package Version Architecture Section Installed-Size Depends
depends=$(dpkg-deb --field "$deb" Depends)
for library in libc6 libstdc++6 libgcc-s1 libssl3 libyaml-cpp libpcre2-8 libsimdjson zlib1g; do
  [[ $depends == *"$library"* ]] || fail "Depends lacks $library (dpkg-shlibdeps did not run?): $depends"
done
[[ $(dpkg-deb --field "$deb" Section) == devel ]] || fail "Section is not devel"
contents=$(dpkg-deb --contents "$deb")
for path in ./usr/bin/gatecheck ./usr/share/man/man1/gatecheck.1 ./usr/share/doc/gatecheck/README.md \
  ./usr/share/doc/gatecheck/docs/ci.md ./usr/share/gatecheck/suites/openai/ ./usr/share/gatecheck/schemas/profiles/ \
  ./usr/share/gatecheck/fixtures/; do
  grep -q " $path" <<<"$contents" || fail "the package lacks $path"
done
completion=0
if "$build/cli/gatecheck" --help | grep -q '^  completion '; then
  completion=1
  for path in ./usr/share/bash-completion/completions/gatecheck ./usr/share/zsh/vendor-completions/_gatecheck \
    ./usr/share/fish/vendor_completions.d/gatecheck.fish; do
    grep -q " $path\$" <<<"$contents" || fail "the package lacks $path"
  done
fi

# --- 2. A clean Debian 12, cached ----------------------------------------------------------------------------
# The first URI configured for a suite (deb822 .sources stanzas, then one-line .list entries).
debian_uri() {
  local suite=$1 file uri
  for file in /etc/apt/sources.list.d/*.sources; do
    [[ -f $file ]] || continue
    uri=$(awk -v suite="$suite" 'BEGIN { RS = "" }
      {
        types = ""; suites = ""; uris = ""
        n = split($0, lines, "\n")
        for (i = 1; i <= n; i++) {
          if (lines[i] ~ /^Types:/) types = " " substr(lines[i], 7) " "
          if (lines[i] ~ /^Suites:/) suites = " " substr(lines[i], 8) " "
          if (lines[i] ~ /^URIs:/) uris = substr(lines[i], 6)
        }
        gsub(/\t/, " ", types); gsub(/\t/, " ", suites)
        if (types ~ / deb / && suites ~ (" " suite " ")) { split(uris, u, " "); for (k in u) if (u[k] != "") { print u[k]; exit } }
      }' "$file")
    [[ -n $uri ]] && { echo "$uri"; return; }
  done
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $file ]] || continue
    uri=$(awk -v suite="$suite" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
      if ($(i + 1) == suite) { print $i; exit } }' "$file")
    [[ -n $uri ]] && { echo "$uri"; return; }
  done
}
cache=${GATECHECK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gatecheck}
tarball=$cache/debian12-rootfs.tar
rootfs_made=0
if [[ ! -s $tarball || ${GATECHECK_ROOTFS_REFRESH:-0} == 1 ]]; then
  mirror=${GATECHECK_DEBIAN_MIRROR:-$(debian_uri bookworm)}
  mirror=${mirror:-http://deb.debian.org/debian}
  security=$(debian_uri bookworm-security)
  echo "package test: debootstrap --variant=minbase bookworm from $mirror (cached as $tarball)"
  staging=$work/bootstrap
  mounted+=("$staging/proc" "$staging/sys")  # debootstrap unmounts them itself, unless it fails half-way
  timeout 1800 debootstrap --variant=minbase bookworm "$staging" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -30 "$work/debootstrap.log"; fail "debootstrap failed (log above)"; }
  {
    echo "deb $mirror bookworm main"
    echo "deb $mirror bookworm-updates main"
    [[ -n $security ]] && echo "deb $security bookworm-security main"
  } >"$staging/etc/apt/sources.list"
  rm -rf "$staging/var/cache/apt/archives/"*.deb "$staging/var/lib/apt/lists/"* 2>/dev/null || true
  mkdir -p "$cache"
  tar -C "$staging" --numeric-owner -cf "$tarball.partial" . && mv "$tarball.partial" "$tarball"
  if ! findmnt -rn -o TARGET | grep -q "^$staging"; then rm -rf --one-file-system "$staging"; fi
  rootfs_made=1
  phase_done "debootstrap minbase bookworm + tar"
fi
root=$work/root
mkdir "$root"
tar -C "$root" --numeric-owner -xf "$tarball"
phase_done "rootfs unpacked ($(du -sm "$tarball" | cut -f1) MB tar)"

# --- 3. apt-get install the .deb in a chroot, run it -----------------------------------------------------------
mount -t proc proc "$root/proc"
mounted+=("$root/proc")
if [[ ! -c $root/dev/null ]]; then  # debootstrap made no device nodes (a container without mknod)
  mount --bind /dev "$root/dev"
  mounted+=("$root/dev")
fi
rm -f "$root/etc/resolv.conf"
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/"
as_root() {  # as_root SECONDS COMMAND...: in the chroot, with a clean environment
  timeout "$1" chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "${@:2}"
}
as_nobody() {  # as_nobody SECONDS COMMAND...: in the chroot, as nobody
  timeout "$1" chroot --userspec=65534:65534 "$root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/tmp LANG=C.UTF-8 \
    "${@:2}"
}
echo "package test: apt-get install ./$(basename "$deb") in a clean Debian 12"
as_root 600 apt-get update >"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log"; fail "apt-get update failed in the chroot"; }
as_root 600 sh -c "cd /tmp && apt-get install -y --no-install-recommends ./$(basename "$deb")" >>"$work/apt.log" 2>&1 ||
  { tail -40 "$work/apt.log"; fail "apt-get install of the .deb failed in a clean Debian 12"; }
pulled=$(sed -n '/The following NEW packages will be installed:/,/^[0-9]* upgraded/p' "$work/apt.log" | sed '1d;$d' | xargs)
phase_done "apt-get update + install in the chroot"

version=$(as_nobody 60 gatecheck --version) || fail "gatecheck --version failed in the chroot"
[[ $version == "gatecheck "* ]] || fail "gatecheck --version printed '$version'"
as_nobody 60 gatecheck run /usr/share/gatecheck/suites/openai --list >"$work/list.log" 2>&1 ||
  { cat "$work/list.log"; fail "gatecheck run --list of the installed suites failed"; }
run_started=$(date +%s.%N)
code=0
as_nobody 600 sh -c 'cd /tmp && exec gatecheck run --report junit=/tmp/j.xml' >"$work/run.log" 2>&1 || code=$?
run_seconds=$(seconds_since "$run_started")
if [[ $code -ne 0 ]]; then
  tail -40 "$work/run.log"
  fail "gatecheck run exited $code in the chroot"
fi
[[ -s $root/tmp/j.xml ]] || fail "gatecheck run wrote no /tmp/j.xml"
grep -q '<testsuite' "$root/tmp/j.xml" || fail "/tmp/j.xml is not a JUnit report"
for path in /usr/share/man/man1/gatecheck.1 /usr/share/doc/gatecheck/README.md /usr/share/gatecheck/schemas/profiles; do
  [[ -e $root$path ]] || fail "$path is not installed"
done
grep -qF /usr/share/gatecheck/suites/ "$root/usr/share/man/man1/gatecheck.1" ||
  fail "the installed man page does not name /usr/share/gatecheck/suites/"
# A failing run: exit 1, and its report links each failed check to a page the package installed.
code=0
as_nobody 600 sh -c 'cd /tmp && exec gatecheck run --mock-fault no-done --report markdown=/tmp/f.md' >"$work/fail.log" 2>&1 ||
  code=$?
[[ $code -eq 1 ]] || { tail -20 "$work/fail.log"; fail "gatecheck run --mock-fault no-done exited $code, not 1"; }
link=$(grep -o 'file://[^)#]*' "$root/tmp/f.md" | head -n 1)
[[ -n $link ]] || fail "the Markdown report of a failing run links no check documentation"
[[ -f $root${link#file://} ]] || fail "the report links ${link}, which the package did not install"
if ((completion)); then
  as_root 60 bash -n /usr/share/bash-completion/completions/gatecheck || fail "the bash completion does not parse"
fi
phase_done "gatecheck --version, run --list, run (${run_seconds} s), a failing run"

size=$(stat -c %s "$deb")
echo
echo "package test: PASSED"
echo "  package                 $(basename "$deb"): $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1048576 }') MiB), Installed-Size $(dpkg-deb --field "$deb" Installed-Size) KiB"
echo "  Depends                 $depends"
echo "  apt-get pulled in       ${pulled:-nothing new}"
echo "  in the chroot           $version; gatecheck run exit 0, $(grep -c '<testcase' "$root/tmp/j.xml") test cases in /tmp/j.xml"
echo "  rootfs                  $( ((rootfs_made)) && echo "made by debootstrap" || echo "reused from $tarball")"
for timing in "${timings[@]}"; do echo "  $timing"; done
echo "  total                   $(seconds_since "$started") s"
