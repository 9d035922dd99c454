#!/usr/bin/env bash
# ctest entry (label: unit): `cmake --install BUILD --prefix TMP` lays out what cmake/GatecheckInstall.cmake
# promises, and the generated man page says what the binary's help says.
#   install_test.sh BUILD_DIR
# Checks: bin/gatecheck runs; share/gatecheck holds suites/, schemas/ (with profiles/) and fixtures/;
# share/doc/gatecheck holds README.md and docs/ (ci.md among them); share/man/man1/gatecheck.1 has a subsection
# for every command `gatecheck --help` lists and every option of every command's --help, and groff reads it
# without a warning (when groff is installed); the shell completions are installed and parse when the binary
# has a `completion` command, and are absent when it has none.
set -euo pipefail
build=$(cd "$1" && pwd)
prefix=$(mktemp -d /tmp/gatecheck-install.XXXXXX)
trap 'rm -rf "$prefix"' EXIT
fail() {
  echo "FAILED: $*" >&2
  exit 1
}

timeout 120 cmake --install "$build" --prefix "$prefix" >"$prefix.log" 2>&1 || { cat "$prefix.log"; rm -f "$prefix.log"; fail "cmake --install failed"; }
rm -f "$prefix.log"
gatecheck=$prefix/bin/gatecheck
[[ -x $gatecheck ]] || fail "bin/gatecheck is not installed"
"$gatecheck" --version | grep -q '^gatecheck ' || fail "the installed gatecheck does not run"
for path in share/gatecheck/suites/openai share/gatecheck/schemas/profiles share/gatecheck/schemas/openapi.yaml \
  share/gatecheck/fixtures share/doc/gatecheck/README.md share/doc/gatecheck/docs/cli.md \
  share/doc/gatecheck/docs/ci.md share/man/man1/gatecheck.1; do
  [[ -e $prefix/$path ]] || fail "$path is not installed"
done
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
suites=$(cd "$source_dir/suites" && find . -name '*.yaml' | sort)
installed=$(cd "$prefix/share/gatecheck/suites" && find . -name '*.yaml' | sort)
[[ $suites == "$installed" ]] || fail "share/gatecheck/suites differs from suites/"

# The man page against the help it was made from.
page=$prefix/share/man/man1/gatecheck.1
commands=$("$gatecheck" --help | sed -n '/^Commands:/,/^$/p' | awk '/^  [a-z]/ { print $1 }')
[[ -n $commands ]] || fail "gatecheck --help lists no commands"
checked=0
for command in $commands; do
  grep -qF ".SS \"gatecheck $command\"" "$page" || fail "the man page has no subsection for gatecheck $command"
  help=$("$gatecheck" "$command" --help) || fail "gatecheck $command --help failed"
  for sub in $(sed -n '/^Subcommands:/,/^$/p' <<<"$help" | awk '/^  [a-z]/ { print $1 }'); do
    grep -qF ".SS \"gatecheck $command $sub\"" "$page" || fail "the man page has no subsection for gatecheck $command $sub"
    help+=$'\n'$("$gatecheck" "$command" "$sub" --help)
  done
  for option in $(grep -oE '^  (-[a-zA-Z], )?--[a-z0-9-]+' <<<"$help" | grep -oE -- '--[a-z0-9-]+' | sort -u); do
    grep -qF "\\fB${option//-/\\-}\\fR" "$page" || fail "the man page does not mention $option of gatecheck $command"
    checked=$((checked + 1))
  done
done
! grep -q '@GATECHECK_' "$page" || fail "the installed man page still has placeholders: $(grep -o '@GATECHECK_[A-Z]*@' "$page" | sort -u | xargs)"
grep -qF "$prefix/share/gatecheck/suites/" "$page" || fail "the man page does not name $prefix/share/gatecheck/suites/"
grep -qF "$prefix/share/doc/gatecheck/docs/ci.md" "$page" || fail "the man page does not name $prefix/share/doc/gatecheck/docs/ci.md"
if command -v groff >/dev/null 2>&1; then
  warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1) || fail "groff failed on the man page: $warnings"
  [[ -z $warnings ]] || fail "groff warns about the man page: $warnings"
fi

# The completions follow the binary: there when it has the command, absent when not.
completions=("share/bash-completion/completions/gatecheck" "share/zsh/vendor-completions/_gatecheck"
  "share/fish/vendor_completions.d/gatecheck.fish")
if [[ $commands == *completion* ]]; then
  for path in "${completions[@]}"; do
    [[ -s $prefix/$path ]] || fail "$path is not installed, though gatecheck has a completion command"
  done
  bash -n "$prefix/${completions[0]}" || fail "the bash completion does not parse"
  # What bash-completion does on `gatecheck r<TAB>` and `gatecheck run --rep<TAB>`.
  words=$(bash -c 'source "$1"; COMP_WORDS=(gatecheck r); COMP_CWORD=1; _gatecheck; echo "${COMPREPLY[*]};"
    COMP_WORDS=(gatecheck run --rep); COMP_CWORD=2; _gatecheck; echo "${COMPREPLY[*]}"' _ "$prefix/${completions[0]}") ||
    fail "the bash completion failed when asked"
  [[ $words == "run report;"$'\n'"--report" ]] || fail "the bash completion offers '$words'"
  if command -v zsh >/dev/null 2>&1; then zsh -n "$prefix/${completions[1]}" || fail "the zsh completion does not parse"; fi
  if command -v fish >/dev/null 2>&1; then fish -n "$prefix/${completions[2]}" || fail "the fish completion does not parse"; fi
  echo "completions: bash, zsh and fish installed"
else
  for path in "${completions[@]}"; do
    [[ ! -e $prefix/$path ]] || fail "$path is installed, though gatecheck has no completion command"
  done
  echo "completions: none (gatecheck --help lists no completion command yet)"
fi
echo "ok: installed layout; the man page covers $(wc -w <<<"$commands") commands and $checked options"
