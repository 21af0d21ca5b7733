"""Every command line in README.md and docs/ is accepted as written, and docs/cli.md's are run.

Command lines are promises: a flag the docs show and the program refuses (`init --user` once
was) is a bug. Lines are taken from fenced blocks and from `inline code` that starts with
`fieldapp `; docs/cli.md's synopsis is expanded (every optional part included) and run in its
own order against a real server on loopback.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from fieldapp import cli as core_cli
from fieldapp.sample import applicant
from sync import cli as sync_cli
from sync.server import cli as server_cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
OFFICE = "32.16.01.2001"
PLACEHOLDERS = {
    "DIR": "/tmp/fieldapp-doc",
    "NAME": "siti",
    "DESA_CODE": OFFICE,
    "STATE": "pending",
    "TEXT": "rahma",
    "N": "5",
    "URL": "https://prakerja.example.go.id",
    "CODE": "XXXX-XXXX-XXXX-XXXX",
    "PEM": "ca.pem",
    "FILE": "applicants.json",
    "ID": "01a2238c",
    "DEVICE_ID": "0190c0de-0000-7000-8000-000000000000",
    "RECORD_ID": "01a2238c",
    "PORT": "8765",
    "BACKUP": "laptop.fabackup",
    "DAYS": "30",  # `backup` writes it outside the data folder, `restore` reads it back
}


def _fenced_lines(text: str) -> list[str]:
    lines, inside = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            inside = not inside
        elif inside:
            lines.append(line)
    return lines


def _joined(lines: list[str]) -> list[str]:
    """Shell continuation lines (ending in a backslash) joined into one."""
    out: list[str] = []
    for line in lines:
        if out and out[-1].endswith("\\"):
            out[-1] = out[-1][:-1] + " " + line.strip()
        else:
            out.append(line)
    return out


PROGRAM = re.compile(r"(?:^|(?<=[\s/]))(fieldapp(?:-server)? .*)")


def documented_lines(fenced: bool = True) -> list[tuple[str, str]]:
    """(file, command) for every `fieldapp ...` / `fieldapp-server ...` in the docs' code blocks,
    or (`fenced=False`) in their inline code, where a span may name only a command and a flag."""
    found = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        spans = _joined(_fenced_lines(text)) if fenced else re.findall(r"`([^`\n]+)`", text)
        for span in spans:
            match = PROGRAM.search(span.split("  #", 1)[0])
            if match and "COMMAND" not in match[1]:
                found += [(path.name, part.strip()) for part in _alternatives(match[1].strip())]
    return found


def _alternatives(line: str) -> list[str]:
    """`fieldapp-server devices | revoke ID` stands for two commands of the same program."""
    program, rest = line.split(" ", 1)
    parts = [p.strip() for p in re.split(r"\s\|\s", rest)]
    return [line if len(parts) == 1 else f"{program} {parts[0]}"] + [f"{program} {p}" for p in parts[1:]]


def concrete(words: list[str]) -> list[str]:
    """Placeholders replaced, `[optional]` parts kept, `a|b` choices taking the first."""
    out = []
    for word in words:
        word = word.strip("[]")
        if not word:
            continue
        if "|" in word and not word.startswith("-"):
            word = word.split("|", 1)[0]
        out.append(PLACEHOLDERS.get(word.rstrip("."), word))
    return out


def parses(program: str, args: list[str]) -> str:
    """'' if the real parser accepts `args`; else its complaint."""
    parser = parser_for(program)
    try:
        parser.parse_args(args)
    except SystemExit as refused:
        return str(refused.code)
    return ""


def parser_for(program: str):  # type: ignore[no-untyped-def]
    return (
        server_cli.build_parser() if program == "fieldapp-server" else core_cli.build_parser(sync_cli.add_sync_commands)
    )


@pytest.mark.parametrize(("source", "line"), documented_lines())
def test_every_documented_command_line_is_accepted(source: str, line: str) -> None:
    words = shlex.split(line)
    args = concrete(words[1:])
    if words[0] == "fieldapp" and not args:
        return  # plain `fieldapp` opens the app
    assert parses(words[0], args) == "", f"{source}: {line!r} is refused"


@pytest.mark.parametrize(("source", "span"), documented_lines(fenced=False))
def test_every_command_and_option_named_in_the_prose_exists(source: str, span: str) -> None:
    """`fieldapp enroll --ca-file` in a sentence: `enroll` must be a command and take `--ca-file`."""
    words = shlex.split(span.replace("\\|", "|").split("|", 1)[0])  # up to a pipe into another tool
    parser = parser_for(words[0])
    first = next((w for w in words[1:] if not w.startswith("-")), "")
    if first and first not in parser._subparsers._group_actions[0].choices:  # type: ignore[union-attr]
        return  # output quoted in a sentence ("fieldapp-server listening on URL"), not a command
    for word in words[1:]:
        commands = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
        if word.startswith("-"):
            flag = word.split("=", 1)[0]
            assert flag in parser._option_string_actions, f"{source}: {span!r}: no option {flag}"
        elif commands and word in commands[0].choices:
            parser = commands[0].choices[word]
        elif commands and word.islower() and word.isalpha():
            raise AssertionError(f"{source}: {span!r}: no command {word!r}")


def synopsis() -> list[list[str]]:
    """docs/cli.md's synopsis, one concrete argument list per command (all options given)."""
    block = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8").split("```", 2)[1]
    commands = []
    for line in block.splitlines():
        if not re.match(r"  [a-z]", line):
            continue  # the program line, and description lines carried over
        grammar = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]
        for part in re.split(r"\s\|\s", grammar):
            commands.append(concrete(part.split()))
    return commands


def test_the_synopsis_covers_every_command_and_each_is_accepted_with_global_options_after() -> None:
    listed = {tuple(c[:2]) if c[0] == "user" else (c[0],) for c in synopsis()}
    parser = core_cli.build_parser(sync_cli.add_sync_commands)
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    expected = {("user", sub) for sub in commands["user"]._subparsers._group_actions[0].choices} | {
        (name,) for name in commands if name != "user"
    }
    assert listed == expected, "docs/cli.md's synopsis and the program's commands differ"
    for args in synopsis():
        assert parses("fieldapp", args) == "", args
        assert parses("fieldapp", [*args, "--user", "kepala", "--data-dir", "/tmp/x"]) == "", args


def test_the_synopsis_runs_as_written_in_its_own_order(tmp_path: Path) -> None:
    """Each synopsis line run as the real program, in order, on one laptop and a real server."""
    from servers import ServerProcess

    server = ServerProcess(f"sqlite:///{tmp_path / 'central.sqlite3'}", tmp_path / "server").start()
    try:
        _run_synopsis(tmp_path, server)
    finally:
        server.stop()


def _run_synopsis(tmp_path: Path, server) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "applicants.json").write_text(json.dumps([applicant(i, OFFICE) for i in range(3)]))
    (tmp_path / "changes.json").write_text(json.dumps({"notes": "diperbarui"}))
    passphrases = {"kepala": "kepala passphrase 1", "siti": "siti passphrase 22"}
    env = {**os.environ, "FIELDAPP_DATA_DIR": str(tmp_path / "laptop"), "FIELDAPP_USER": "kepala"}
    env |= {"FIELDAPP_PASSPHRASE": passphrases["kepala"], "FIELDAPP_NEW_PASSPHRASE": passphrases["siti"]}
    state: dict[str, str] = {}
    ran = []
    for args in synopsis():
        if args[0] == "demo" or "--ca-file" in args:
            args = [a for a in args if a not in ("--ca-file", "ca.pem")]
            if args[0] == "demo":
                continue  # `demo --headless` runs in test_readme.py; here it would only repeat it
        args = _fill_in(args, tmp_path, server, state)
        step_env = dict(env)
        if args[0] == "init":
            step_env["FIELDAPP_NEW_PASSPHRASE"] = passphrases["kepala"]
        if args[0] == "recover":
            step_env |= {"FIELDAPP_RECOVERY_CODE": state["recovery"], "FIELDAPP_NEW_PASSPHRASE": passphrases["kepala"]}
        done = subprocess.run(
            [str(Path(sys.executable).with_name("fieldapp")), *args],
            cwd=tmp_path,
            env=step_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        _remember(args, done.stdout, state)
        ran.append(args[0] if args[0] != "user" else f"user {args[1]}")
    assert {"init", "register", "show", "edit", "export", "recover", "enroll", "sync", "status"} <= set(ran)
    assert server.stats()["records"] == 3


def _fill_in(args: list[str], tmp_path: Path, server, state: dict[str, str]) -> list[str]:  # type: ignore[no-untyped-def]
    """The values only a running system has: a real record id, a fresh code, the server's URL."""
    filled = []
    for previous, word in zip(["", *args], args, strict=False):
        if word == PLACEHOLDERS["ID"]:
            word = state["record_id"]
        elif word == PLACEHOLDERS["URL"]:
            word = server.url
        elif word == PLACEHOLDERS["CODE"]:
            word = server.enroll_code(OFFICE)
        elif word == PLACEHOLDERS["FILE"] and args[0] == "edit":
            word = "changes.json"
        elif word == PLACEHOLDERS["FILE"] and previous == "--out":
            word = "export.csv"
        elif word == PLACEHOLDERS["FILE"] and args[0] == "provision":
            word = _provisioning_file(tmp_path, server)
        filled.append(word)
    if args[0] == "list":  # the synopsis's example state and search find the registered records
        filled[filled.index("--status") + 1] = "pending"
        filled[filled.index("--search") + 1] = str(applicant(0, OFFICE)["full_name"]).split()[0]
    return filled


def _provisioning_file(tmp_path: Path, server) -> str:  # type: ignore[no-untyped-def]
    """A fresh file from `fieldapp-server provision` (the laptop deletes it once used)."""
    out = tmp_path / "provisioning.json"
    done = server.admin("provision", "--office", OFFICE, "--out", str(out), "--server-url", server.url)
    assert done.returncode == 0, done.stderr
    return str(out)


def _remember(args: list[str], out: str, state: dict[str, str]) -> None:
    if args[0] == "init":
        state["recovery"] = out.strip().splitlines()[-1]
    elif args[0] == "register":
        state["record_id"] = json.loads(out)["ids"][0] if "--json" in args else out.split()[0]
    elif args[0] == "recover":
        state["recovery"] = out.strip().splitlines()[-1]
