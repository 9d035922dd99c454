#!/usr/bin/env python3
"""ctest entry (label: unit): the GitHub Action (action.yml) run locally, without GitHub and without a network.

Reads action.yml, checks its shape (composite; every `run:` step in bash with no ${{ }} spliced into the script;
the key reaching gatecheck only through the environment; summary, upload and gate steps that run `if: always()`),
then plays the steps in order the way the runner would: `if:` conditions evaluated, `env:` expressions expanded,
each script run with `bash --noprofile --norc -eo pipefail` and fresh GITHUB_OUTPUT files, GITHUB_STEP_SUMMARY,
GITHUB_ENV and GITHUB_PATH pointed at temporary files. The install steps and the `uses:` steps (cache, upload)
are recorded, not run: a stub `gatecheck` on PATH stands in for the real one; it records its argv, checks the key
arrived in the variable --api-key-env names, writes the --report files and exits with the code it is given.
Asserts, for a failing run (exit 1), a passing one, an unreachable target (exit 3, no reports), unbalanced quotes
in `args`, an oversized Markdown report and install-only: the key never appears in any step's output nor in
any file the steps wrote, the summary file holds the Markdown, and the gate step exits with gatecheck's code.
With the path of a built gatecheck as argument (ctest passes it), the same steps also run the real binary
against its embedded mock, passing and failing: its four reports written, its Markdown in the summary, the key
masked in every report, the gate step exiting 0 and 1.
Exits 77 (skipped) without PyYAML.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    import yaml
except ImportError:
    print("SKIPPED: python3 has no yaml module (Debian: python3-yaml; scripts/setup installs it)")
    sys.exit(77)

REPO = Path(__file__).resolve().parents[2]
KEY = "sk-live-4f1cSECRETd00d9b7e"
HEADER_SECRET = "hdr-SECRET-77a1"  # a credential the user passes in args (--header): hidden when the command is shown
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")

STUB = r"""#!/usr/bin/env bash
# A stand-in for gatecheck: records argv, checks the key's variable, writes the reports, exits $STUB_EXIT.
set -euo pipefail
printf '%s\n' "$@" > "$STUB_ARGV"
key_env=""
previous=""
for word in "$@"; do
  if [[ $previous == --api-key-env ]]; then key_env=$word; fi
  previous=$word
done
if [[ -n $key_env ]]; then
  if [[ ${!key_env:-} == "$STUB_EXPECTED_KEY" ]]; then echo ok > "$STUB_KEY"; else echo wrong > "$STUB_KEY"; fi
fi
echo "gatecheck (stub): 3 scenarios, 1 failed"
echo "progress 3/3" >&2
if [[ ${STUB_WRITE:-1} == 1 ]]; then
  previous=""
  for word in "$@"; do
    if [[ $previous == --report ]]; then
      format=${word%%=*} file=${word#*=}
      mkdir -p "$(dirname "$file")"
      case $format in
        markdown)
          if [[ -n ${STUB_MARKDOWN_BYTES:-} ]]; then
            { echo "## gatecheck: FAILED"; head -c "$STUB_MARKDOWN_BYTES" /dev/zero | tr '\0' 'x'; echo; } > "$file"
          else
            printf '## gatecheck: FAILED\n\n| suite | scenario | result |\n|---|---|---|\n| chat | streams | failed |\n' > "$file"
          fi ;;
        junit) echo '<testsuites><testsuite name="chat"/></testsuites>' > "$file" ;;
        *) echo "$format report" > "$file" ;;
      esac
    fi
    previous=$word
  done
fi
exit "${STUB_EXIT:-0}"
"""


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def load_action():
    with open(REPO / "action.yml", encoding="utf-8") as file:
        return yaml.safe_load(file)


def static_checks(action):
    check(action.get("runs", {}).get("using") == "composite", "action.yml: runs.using is not composite")
    inputs = action.get("inputs", {})
    for name in ("target", "api-key", "profile", "suites", "args", "fail-on", "report-dir", "deb-url"):
        check(name in inputs, f"action.yml: no input '{name}'")
    steps = action["runs"]["steps"]
    ids = {step.get("id"): step for step in steps if step.get("id")}
    for wanted in ("run", "summary", "gate"):
        check(wanted in ids, f"action.yml: no step with id '{wanted}'")
    for step in steps:
        if "run" in step:
            check(step.get("shell") == "bash", f"step '{step.get('name')}': shell is not bash")
            check("${{" not in step["run"], f"step '{step.get('name')}': an expression is spliced into the script")
        for value in (step.get("env") or {}).values():
            if "inputs.api-key" in str(value):
                check(step.get("id") == "run", f"step '{step.get('name')}' is given the api key")
        check("inputs.api-key" not in str(step.get("with", "")), f"step '{step.get('name')}' is given the api key")
    check(str(ids["run"]["env"].get("GATECHECK_API_KEY")) == "${{ inputs.api-key }}",
          "the run step does not take the key as GATECHECK_API_KEY")
    for wanted in ("summary", "gate"):
        check("always()" in str(ids[wanted].get("if", "")), f"the {wanted} step does not run if: always()")
    uploads = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    check(len(uploads) == 1, "action.yml: no actions/upload-artifact step")
    check(uploads[0]["uses"] == "actions/upload-artifact@v4", "the upload step is not actions/upload-artifact@v4")
    check("always()" in str(uploads[0].get("if", "")), "the upload step does not run if: always()")
    check(uploads[0]["with"]["path"] == "${{ inputs.report-dir }}", "the upload step does not upload report-dir")
    check(any(str(s.get("uses", "")).startswith("actions/cache@") for s in steps), "no actions/cache step (ccache)")


class Runner:
    """Plays the action's steps like GitHub's runner, for the steps this test can run offline."""

    def __init__(self, action, inputs, workdir, stub_env):
        self.action = action
        self.inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
        unknown = set(inputs) - set(self.inputs)
        check(not unknown, f"test bug: unknown inputs {unknown}")
        self.inputs.update(inputs)
        self.workdir = workdir
        self.outputs = {}
        self.outcomes = {}
        self.failed = False
        self.results = []  # (step, exit code or None, output)
        self.recorded = []  # uses: steps, with their evaluated `with:`
        self.files = {name: workdir / f"github_{name}" for name in ("step_summary", "env", "path")}
        for file in self.files.values():
            file.write_text("")
        self.stub_env = stub_env

    def evaluate(self, expression):
        if expression == "always()":
            return True
        if expression == "success()":
            return not self.failed
        match = re.fullmatch(r"inputs\.([\w-]+)", expression)
        if match:
            return self.inputs[match.group(1)]
        match = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
        if match:
            return self.outputs.get(match.group(1), {}).get(match.group(2), "")
        match = re.fullmatch(r"(runner|github)\.(os|arch|job|run_id|run_attempt)", expression)
        if match:
            return "test"
        if expression == "github.action_repository":
            return "your-org/gatecheck"
        if expression == "github.action_ref":
            return "v0.1.0"
        raise Failure(f"the test cannot evaluate the expression '{expression}'; keep action.yml's expressions simple")

    def expand(self, text):
        return EXPRESSION.sub(lambda m: str(self.evaluate(m.group(1))), str(text))

    def condition(self, text):
        """`if:` as the runner reads it: an implicit success() unless a status function is named."""
        if text is None:
            return not self.failed
        text = EXPRESSION.sub(lambda m: m.group(1), str(text)).strip()
        result = True
        for term in (part.strip() for part in text.split("&&")):
            match = re.fullmatch(r"(.+?)\s*(==|!=)\s*'([^']*)'", term)
            if match:
                value = str(self.evaluate(match.group(1)))
                result = result and ((value == match.group(3)) == (match.group(2) == "=="))
            else:
                result = result and bool(self.evaluate(term))
        if "always()" not in text:
            result = result and not self.failed
        return result

    def play(self, skip_ids=("install-deb", "build")):
        for step in self.action["runs"]["steps"]:
            name = step.get("id") or step.get("name")
            if not self.condition(step.get("if")):
                self.outcomes[name] = "skipped"
                continue
            if "uses" in step:
                self.recorded.append((step["uses"], {k: self.expand(v) for k, v in (step.get("with") or {}).items()}))
                self.outcomes[name] = "recorded"
                continue
            if step.get("id") in skip_ids:
                self.outcomes[name] = "recorded"  # needs apt and a network: the stub stands in for its result
                continue
            self.run_script(step, name)

    def run_script(self, step, name):
        script = self.workdir / f"step-{len(self.results)}.sh"
        script.write_text(step["run"])
        output_file = self.workdir / f"github_output_{len(self.results)}"
        output_file.write_text("")
        env = dict(os.environ)
        env.update(self.stub_env)
        env.update({
            "GITHUB_OUTPUT": str(output_file),
            "GITHUB_STEP_SUMMARY": str(self.files["step_summary"]),
            "GITHUB_ENV": str(self.files["env"]),
            "GITHUB_PATH": str(self.files["path"]),
            "GITHUB_ACTION_PATH": str(REPO),
            "GITHUB_WORKSPACE": str(self.workdir),
            "RUNNER_TEMP": str(self.workdir / "runner_temp"),
        })
        (self.workdir / "runner_temp").mkdir(exist_ok=True)
        for variable, value in (step.get("env") or {}).items():
            env[variable] = self.expand(value)
        process = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                                 cwd=self.workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 timeout=60, check=False)
        output = process.stdout.decode("utf-8", "replace")
        outputs = {}
        for line in output_file.read_text().splitlines():
            if "=" in line:
                key, value = line.split("=", 1)
                outputs[key] = value
        if step.get("id"):
            self.outputs[step["id"]] = outputs
        self.results.append((name, process.returncode, output))
        self.outcomes[name] = "success" if process.returncode == 0 else "failure"
        if process.returncode != 0:
            self.failed = True

    def code(self, name):
        return next(code for step, code, _ in self.results if step == name)

    def output(self, name):
        return next(output for step, _, output in self.results if step == name)


def scenario(title, inputs, stub_exit, write_reports=True, markdown_bytes=None, expect_args=None):
    workdir = Path(tempfile.mkdtemp(prefix="gatecheck-action-"))
    try:
        bin_dir = workdir / "bin"
        bin_dir.mkdir()
        stub = bin_dir / "gatecheck"
        stub.write_text(STUB)
        stub.chmod(0o755)
        stub_env = {
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "STUB_ARGV": str(workdir / "argv"),
            "STUB_KEY": str(workdir / "key-check"),
            "STUB_EXPECTED_KEY": KEY,
            "STUB_EXIT": str(stub_exit),
            "STUB_WRITE": "1" if write_reports else "0",
        }
        if markdown_bytes:
            stub_env["STUB_MARKDOWN_BYTES"] = str(markdown_bytes)
        runner = Runner(load_action(), inputs, workdir, stub_env)
        runner.play()
        check_scenario(title, runner, inputs, stub_exit, write_reports, markdown_bytes, expect_args, workdir)
        print(f"ok: {title}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def real_scenario(binary, title, inputs, expected_exit, verdict):
    """The run, summary and gate steps with the real gatecheck: its reports, its Markdown, its exit code."""
    workdir = Path(tempfile.mkdtemp(prefix="gatecheck-action-"))
    try:
        bin_dir = workdir / "bin"
        bin_dir.mkdir()
        (bin_dir / "gatecheck").symlink_to(Path(binary).resolve())
        runner = Runner(load_action(), inputs, workdir, {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"})
        runner.play()
        where = f"[{title}] "
        check(runner.code("run") == 0, where + f"the run step failed:\n{runner.output('run')[-2000:]}")
        check(runner.outputs["run"].get("exit-code") == str(expected_exit),
              where + f"gatecheck exited {runner.outputs['run'].get('exit-code')}, not {expected_exit}:\n"
              + runner.output("run")[-2000:])
        check(runner.code("gate") == expected_exit, where + f"the gate step exited {runner.code('gate')}")
        summary = runner.files["step_summary"].read_text(encoding="utf-8")
        check(f"gatecheck: {verdict}" in summary, where + f"the summary is not gatecheck's Markdown report:\n{summary[:500]}")
        folder = workdir / inputs.get("report-dir", "gatecheck-reports")
        for name in ("junit.xml", "report.json", "report.html", "summary.md"):
            check((folder / name).is_file() and (folder / name).stat().st_size > 0, where + f"{name} was not written")
        check("<testsuite" in (folder / "junit.xml").read_text(encoding="utf-8"), where + "junit.xml is not JUnit")
        for step, _, output in runner.results:
            check(KEY not in output, where + f"the api key appears in the output of step '{step}'")
        for file in folder.iterdir():
            check(KEY.encode() not in file.read_bytes(), where + f"the api key is in {file.name} (not masked)")
        print(f"ok: {title}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def check_scenario(title, runner, inputs, stub_exit, write_reports, markdown_bytes, expect_args, workdir):
    where = f"[{title}] "
    if inputs.get("install-only") == "true":
        for step in ("run", "summary", "gate"):
            check(runner.outcomes.get(step) == "skipped", where + f"install-only ran the {step} step")
        check(not runner.recorded or all(not uses.startswith("actions/upload-artifact") for uses, _ in runner.recorded),
              where + "install-only uploaded an artifact")
        return
    # The key: nowhere in what the steps printed, nor in any file they wrote.
    for step, _, output in runner.results:
        check(KEY not in output, where + f"the api key appears in the output of step '{step}'")
        check(HEADER_SECRET not in output, where + f"a --header value from args appears in the output of step '{step}'")
    for file in workdir.rglob("*"):
        if file.is_file() and file.name != "gatecheck" and not file.name.startswith("step-"):
            check(KEY.encode() not in file.read_bytes(), where + f"the api key was written to {file.name}")
    run_output = runner.output("run")
    check(runner.code("run") == 0, where + f"the run step itself failed:\n{run_output}")
    quoted_error = expect_args is None and stub_exit == 2
    if quoted_error:
        check(not (workdir / "argv").exists(), where + "gatecheck ran despite unsplittable args")
        check("unbalanced quotes" in run_output, where + "no annotation about the args input")
    else:
        argv = (workdir / "argv").read_text().splitlines()
        check(argv == expect_args, where + f"gatecheck got\n  {argv}\nexpected\n  {expect_args}")
        if inputs.get("api-key"):
            check((workdir / "key-check").read_text().strip() == "ok",
                  where + "the variable named by --api-key-env did not hold the key")
        check(f"exit-code={stub_exit}" not in run_output, where + "the run step printed its output file")
    check(runner.outputs["run"].get("exit-code") == str(stub_exit),
          where + f"the run step's exit-code output is {runner.outputs['run'].get('exit-code')!r}")
    if stub_exit != 0:
        check("::error title=gatecheck::" in run_output, where + "no error annotation for a failed run")
    # The summary, even when gatecheck failed.
    check(runner.outcomes.get("summary") == "success", where + f"the summary step: {runner.outcomes.get('summary')}")
    summary = runner.files["step_summary"].read_text()
    if write_reports and not quoted_error:
        check("## gatecheck: FAILED" in summary, where + f"the summary lacks the Markdown report:\n{summary[:300]}")
        if markdown_bytes:
            check(len(summary.encode()) <= 1000 * 1024 + 200, where + f"the summary is {len(summary)} bytes, over the limit")
            check("The report is cut here" in summary, where + "an oversized report is not said to be cut")
        else:
            check("| chat | streams | failed |" in summary, where + "the summary lacks the report's table")
    else:
        check("No Markdown report was written" in summary and f"exit code: {stub_exit}" in summary,
              where + f"the summary does not say why there is no report:\n{summary}")
    # The artifact: uploaded whatever happened, from report-dir.
    uploads = [with_ for uses, with_ in runner.recorded if uses.startswith("actions/upload-artifact")]
    check(len(uploads) == 1, where + "the reports were not uploaded")
    check(uploads[0]["path"] == inputs.get("report-dir", "gatecheck-reports"), where + f"uploaded {uploads[0]}")
    # The gate: gatecheck's exit code, as the action's.
    check(runner.code("gate") == stub_exit, where + f"the gate step exited {runner.code('gate')}, not {stub_exit}")
    if write_reports and not quoted_error:
        for name in ("junit.xml", "report.json", "report.html", "summary.md"):
            path = workdir / inputs.get("report-dir", "gatecheck-reports") / name
            check(path.is_file(), where + f"{name} is not in the report folder")


def main():
    if shutil.which("bash") is None or shutil.which("xargs") is None:
        print("SKIPPED: bash and xargs are needed to play the action's steps")
        return 77
    action = load_action()
    static_checks(action)
    print("ok: action.yml's shape")
    reports = lambda folder: [f"junit={folder}/junit.xml", f"json={folder}/report.json",  # noqa: E731
                              f"html={folder}/report.html", f"markdown={folder}/summary.md"]
    scenario(
        "a failing run against a target, with a key, a profile, suites and quoted args",
        {"target": "https://gw.example.com", "api-key": KEY, "profile": "simplio",
         "suites": "suites/openai/chat.yaml 'my suites/streaming.yaml'",
         "args": f"--shard 2/4 --tags \"streaming,!slow\" --grep 'tool call' --header 'X-Api-Key: {HEADER_SECRET}'",
         "fail-on": "should", "report-dir": "out/gc"},
        stub_exit=1,
        expect_args=["run", "--target", "https://gw.example.com", "--api-key-env", "GATECHECK_API_KEY",
                     "--profile", "simplio", "--fail-on", "should",
                     "--report", reports("out/gc")[0], "--report", reports("out/gc")[1],
                     "--report", reports("out/gc")[2], "--report", reports("out/gc")[3],
                     "suites/openai/chat.yaml", "my suites/streaming.yaml",
                     "--shard", "2/4", "--tags", "streaming,!slow", "--grep", "tool call",
                     "--header", f"X-Api-Key: {HEADER_SECRET}"])
    scenario(
        "a passing run against the embedded mock, defaults only", {}, stub_exit=0,
        expect_args=["run", "--fail-on", "must"] + [w for r in reports("gatecheck-reports") for w in ("--report", r)])
    scenario(
        "an unreachable target: exit 3, no reports", {"target": "http://127.0.0.1:9", "api-key": KEY}, stub_exit=3,
        write_reports=False,
        expect_args=["run", "--target", "http://127.0.0.1:9", "--api-key-env", "GATECHECK_API_KEY", "--fail-on", "must"]
        + [w for r in reports("gatecheck-reports") for w in ("--report", r)])
    scenario("args with unbalanced quotes: exit 2, gatecheck not run", {"api-key": KEY, "args": "--grep 'tool"},
             stub_exit=2, write_reports=False)
    scenario(
        "a Markdown report over GitHub's 1 MiB summary limit", {"api-key": KEY}, stub_exit=1,
        markdown_bytes=1536 * 1024,
        expect_args=["run", "--api-key-env", "GATECHECK_API_KEY", "--fail-on", "must"]
        + [w for r in reports("gatecheck-reports") for w in ("--report", r)])
    scenario("install-only: nothing runs", {"install-only": "true", "api-key": KEY}, stub_exit=0)
    if len(sys.argv) > 1:  # the built gatecheck, against its embedded mock
        real_scenario(sys.argv[1], "the real gatecheck, passing", {"api-key": KEY}, 0, "PASSED")
        real_scenario(sys.argv[1], "the real gatecheck, failing (--mock-fault no-done)",
                      {"api-key": KEY, "args": "--mock-fault no-done --tags streaming", "report-dir": "out/r"}, 1, "FAILED")
    else:
        print("note: no gatecheck binary given; the steps ran against the stand-in only")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as failure:
        print(f"FAILED: {failure}")
        sys.exit(1)
