"""Command line: ``coopstats build | list | export | parse | validate | report``.

Each subcommand is a thin wrapper over the library with the same parameter
names, importing what it needs when it runs, so ``coopstats list`` does not
import papermill.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from collections.abc import Iterator, Sequence
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

import click

from coopstats import vocabulary
from coopstats.reports.run import DEFAULT_TIMEOUT

if TYPE_CHECKING:
    from concurrent.futures import Executor

__all__ = ["cli", "main", "report_command"]


# Options that several commands take, declared once.
_LEAD_RULE = click.option(
    "--lead-rule",
    "lead_rule",
    default="auto",
    show_default=True,
    type=click.Choice(["auto", *vocabulary.lead_rules()]),
    help="How lead agencies are marked (auto: the document's own statement, else marker).",
)
_JOBS_HELP = (
    "Processes that parse (default: one per core, no more than the files, when they hold 4 MiB or more "
    "together; this process alone for fewer); 1 parses in this process."
)
_SCHEDULER_HELP = (
    "Parse on the Dask cluster whose scheduler is at this address (needs pip install 'coopstats[dask]' here "
    "and the same coopstats on every worker)."
)


@contextlib.contextmanager
def _executor(jobs: int | None, scheduler: str | None, paths: Sequence[Path]) -> Iterator[Executor]:
    """Where ``add`` and ``parse`` parse: a Dask cluster, a process pool, or this process."""
    from coopstats import batch

    if scheduler is not None:
        if jobs is not None:
            raise click.UsageError("--jobs and --scheduler exclude each other: a cluster has its own workers")
        with batch.dask_executor(scheduler) as executor:
            yield executor
        return
    executor = batch.make_executor(batch.resolve_jobs(jobs, len(paths), paths))
    try:
        yield executor
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _progress_mode() -> str:
    """A bar on a terminal; elsewhere nothing more than the commands' own line per file."""
    return "bar" if sys.stderr.isatty() else "off"


def _echo(line: str, *, err: bool = False) -> None:
    """``click.echo`` that leaves a progress bar on the terminal intact."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        tqdm.write(line, file=sys.stderr if err else sys.stdout)
    else:
        click.echo(line, err=err)


# subcommands defined in other modules: name -> "module:attribute"
_LAZY_COMMANDS: dict[str, str] = {}


class _LazyGroup(click.Group):
    """A click group that imports some subcommands only when they are invoked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *_LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _LAZY_COMMANDS:
            module_name, attribute = _LAZY_COMMANDS[cmd_name].split(":")
            return getattr(import_module(module_name), attribute)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_LazyGroup)
@click.option("-v", "--verbose", is_flag=True, help="Log what is being done.")
@click.version_option(package_name="coopstats")
def cli(verbose: bool) -> None:
    """Tidy frames of tasks, agencies and trade figures from cooperation documents."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


@cli.command("list")
def list_documents() -> None:
    """List the documents of the corpus: the embedded ones, then your own (marked "user")."""
    from coopstats.frames import documents, tasks

    docs = documents()
    counts = tasks().groupby("doc_id").size()
    for row in docs.itertuples():
        date = row.published or row.issued or ""
        click.echo(
            f"{row.doc_id:26} {row.origin:8} {row.kind:9} {row.script} {date:10} "
            f"{int(counts.get(row.doc_id, 0)):3d} tasks  {row.title}"
        )


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--doc-id", "doc_id", default=None, help="Identifier of the document (one path only).")
@click.option("--published", default=None, help="Publication date, ISO 8601 (2024-03-15, 2024-03).")
@click.option("--issuer", default=None, help="The issuing body, as written.")
@_LEAD_RULE
@click.option(
    "--currency",
    default=None,
    type=click.Choice(vocabulary.currency_codes()),
    help="Currency of a bare 元 when neither the text nor the issuer names one.",
)
@click.option("--replace", is_flag=True, help="Replace a document of your own with the same doc_id.")
@click.option("--jobs", type=click.IntRange(min=1), default=None, help=_JOBS_HELP)
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT", help=_SCHEDULER_HELP)
def add(
    paths: tuple[Path, ...],
    doc_id: str | None,
    published: str | None,
    issuer: str | None,
    lead_rule: str,
    currency: str | None,
    replace: bool,
    jobs: int | None,
    scheduler: str | None,
) -> None:
    """Add documents of your own to the corpus (copied byte for byte into the user folder).

    Files are parsed on every core (--jobs) or a Dask cluster (--scheduler); this process alone
    writes the manifest and the cache, in the order the files are given.
    """
    from coopstats import collection
    from coopstats.errors import CoopstatsError

    if doc_id is not None and len(paths) != 1:
        raise click.UsageError("--doc-id names one document: pass one path with it")
    failed = 0
    with _executor(jobs, scheduler, paths) as executor:
        outcomes = collection.iter_add(
            paths,
            doc_id=doc_id,
            published=published,
            issuer=issuer,
            lead_rule=lead_rule,
            currency=currency,
            replace=replace,
            executor=executor,
            progress=_progress_mode(),
        )
        for path, added, result in outcomes:
            if isinstance(added, BaseException):
                failed += 1
                reason = added if isinstance(added, (CoopstatsError, ValueError)) else result.error or added
                _echo(f"{path}: not added: {reason}", err=True)
                continue
            verb = "replaced" if added.replaced else "added"
            _echo(
                f"{path}: {verb} as {added.doc_id} ({added.format}, {added.kind}): {added.tasks} tasks, "
                f"{added.assignments} assignments, {added.figures} figures ({result.seconds:.2f} s)"
            )
    if failed:
        raise SystemExit(1)


@cli.command()
@click.argument("doc_id")
def remove(doc_id: str) -> None:
    """Remove a document of your own from the corpus."""
    from coopstats import collection
    from coopstats.errors import CoopstatsError

    try:
        collection.remove(doc_id)
    except CoopstatsError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"removed {doc_id}")


@cli.command()
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the frames (default: data/processed in a checkout, else the user folder).",
)
@click.option("--reports/--no-reports", default=False, help="Also run the default report grid.")
@click.option("--jobs", default=2, show_default=True, help="Notebooks run in parallel with --reports.")
def build(out: Path | None, reports: bool, jobs: int) -> None:
    """Parse the corpus and write every frame as Parquet and CSV (and the reports)."""
    from coopstats import export
    from coopstats._resources import checkout_root, output_dir

    target = out or output_dir()
    written = export.export_frames(target, formats=("parquet", "csv"))
    click.echo(f"wrote {len(written)} files to {target}")
    root = checkout_root()
    if root is not None:
        dictionary = export.write_data_dictionary(root / "docs" / "data-dictionary.md")
        click.echo(f"wrote {dictionary}")
    if reports:
        from coopstats.reports import build_reports

        failed = build_reports(jobs=jobs)  # into _resources.reports_dir(), as `coopstats report`
        if failed:
            sys.exit(1)


@cli.command("export")
@click.option(
    "--format",
    "format_",
    type=click.Choice(["csv", "parquet", "dta"]),
    multiple=True,
    default=("csv",),
    show_default=True,
    help="File format; repeat for several.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write to.",
)
def export_command(format_: tuple[str, ...], out: Path) -> None:
    """Export every frame for Stata, R and Excel users, with a datapackage.json."""
    from coopstats import export

    written = export.export_frames(out, formats=format_)
    click.echo(f"wrote {len(written)} files to {out}")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write one sub-folder of frames per parsed file.",
)
@click.option("--encoding", default="auto", show_default=True, help="Codec of the files, or auto-detect.")
@click.option(
    "--encoding-errors",
    "encoding_errors",
    type=click.Choice(["strict", "replace"]),
    default="strict",
    show_default=True,
    help="replace: read past bad bytes (U+FFFD), each replacement noted with its byte offset.",
)
@_LEAD_RULE
@click.option("--jobs", type=click.IntRange(min=1), default=None, help=_JOBS_HELP)
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT", help=_SCHEDULER_HELP)
def parse(
    paths: tuple[Path, ...],
    out: Path,
    encoding: str,
    encoding_errors: str,
    lead_rule: str,
    jobs: int | None,
    scheduler: str | None,
) -> None:
    """Parse your own documents of the genre (.txt, .html, .docx, .pdf; .doc/.wps with LibreOffice).

    Reports per file its format, layout, tasks and agencies, and what was flagged or refused;
    goes on after a file fails and exits with 1 at the end if any did. Files are parsed on every
    core (--jobs) or a Dask cluster (--scheduler); this process alone writes the output folders.
    """
    from coopstats import batch, export

    failed = 0
    settings = {"encoding": encoding, "encoding_errors": encoding_errors, "lead_rule": lead_rule}
    folders = _output_folders(paths, out)
    with _executor(jobs, scheduler, paths) as executor:
        results = batch.iter_parsed(paths, settings, executor=executor, progress=_progress_mode())
        for path, _, result in results:
            doc = result.document
            if doc is None:
                failed += 1
                _echo(f"{'REFUSED' if result.refused else 'FAILED '} {path}: {result.error}", err=True)
                continue
            folder = folders[path]
            export.write_parsed(doc, folder)
            known = doc.assignments["known"].astype(bool) if len(doc.assignments) else None
            agencies = doc.assignments["name"].nunique() if known is not None else 0
            unknown = doc.assignments.loc[~known, "name"].nunique() if known is not None else 0
            meta = doc.meta
            _echo(
                f"parsed  {path}: {meta['format']}, {meta['encoding'] or '-'}, {meta['script']}, "
                f"{meta['kind']}; {len(doc.provisions)} provisions, {len(doc.tasks)} tasks, "
                f"{agencies} agencies ({unknown} unknown) in {len(doc.assignments)} assignments, "
                f"{len(doc.figures)} figures; {len(doc.notes)} notes → {folder} ({result.seconds:.2f} s)"
            )
            for note in doc.notes.itertuples():
                _echo(f"  flagged line {note.line}: {note.kind}: {note.message}")
            for warning in result.warnings:
                _echo(f"  warning: {warning}")
    if failed:
        click.echo(f"{failed} of {len(paths)} files refused or failed", err=True)
        sys.exit(1)


def _output_folders(paths: tuple[Path, ...], out: Path) -> dict[Path, Path]:
    """One output folder per input, never shared: the file's stem, else its relative path, else numbered.

    ``a/doc.txt`` and ``b/doc.txt`` go to ``out/a__doc`` and ``out/b__doc``; two inputs that still
    collide (the same file twice) get ``~2``, ``~3``.
    """

    def parts(path: Path) -> list[str]:
        return [p for p in path.resolve().with_suffix("").parts if p not in ("/", "..", ".")]

    groups: dict[str, list[Path]] = {}
    for path in paths:
        groups.setdefault(path.stem, []).append(path)
    names: dict[Path, str] = {}
    for stem, group in groups.items():
        depth = 1  # the fewest trailing parts of the path that tell the group's files apart
        while depth < max(len(parts(p)) for p in group) and len(
            {tuple(parts(p)[-depth:]) for p in group}
        ) < len(set(group)):
            depth += 1
        for path in group:
            names[path] = stem if len(group) == 1 else "__".join(parts(path)[-depth:])
    folders: dict[Path, Path] = {}
    taken: set[str] = set()
    for path in paths:
        name = names[path]
        candidate, n = name, 1
        while candidate in taken:
            n += 1
            candidate = f"{name}~{n}"
        taken.add(candidate)
        folders[path] = out / candidate
    return folders


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def validate(as_json: bool) -> None:
    """Check the corpus: checksums, frame schemas, agency clauses with leftovers, unknown agencies."""
    from coopstats import validation

    findings = validation.validate_corpus()
    if as_json:
        click.echo(json.dumps(findings, ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            click.echo(
                f"{finding['severity']:7} {finding['doc_id'] or '-':26} line {finding['line'] or '-'}: "
                f"{finding['message']}"
            )
        click.echo(
            f"{sum(f['severity'] == 'error' for f in findings)} errors, "
            f"{sum(f['severity'] == 'warning' for f in findings)} warnings"
        )
    if any(f["severity"] == "error" for f in findings):
        sys.exit(1)


# --------------------------------------------------------------------------- report


def _parameters_help(name: str, notebook_dir: Path | None = None) -> str:
    from coopstats.reports import report_parameters

    declared = report_parameters(name, notebook_dir=notebook_dir)
    lines = [f"Usage: coopstats report {name} [-p KEY VALUE]... [--out DIR] [--timeout S]", ""]
    lines.append(f"Parameters of {name}:")
    for p in declared.values():
        lines.append(f"  {p.name:18} {p.type_name:6} default {p.default!r:26} {p.help}")
        if p.rules:
            lines.append(f"  {'':18} {'':6} {p.describe_rules()}")
    return "\n".join(lines)


@cli.command(
    "report",
    add_help_option=False,
    context_settings={"max_content_width": 110},
    epilog="Run `coopstats report NAME --help` to list the parameters of one report.",
)
@click.argument("name", required=False)
@click.option(
    "-p",
    "--parameter",
    "parameters",
    type=(str, str),
    multiple=True,
    metavar="KEY VALUE",
    help="A notebook parameter (repeat for several); see NAME --help.",
)
@click.option(
    "--out",
    "--output-dir",
    "output_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of the reports (default: $COOPSTATS_REPORTS, else the user folder's reports/).",
)
@click.option(
    "--timeout", type=float, default=DEFAULT_TIMEOUT, show_default=True, help="Seconds per notebook."
)
@click.option("--all", "run_grid", is_flag=True, help="Run the grid the notebooks declare.")
@click.option(
    "--user", "user_documents", is_flag=True, help="With --all: also run the grid on your own documents."
)
@click.option(
    "--scheduler",
    default=None,
    metavar="tcp://HOST:PORT",
    help="With --all: run the notebooks on this Dask cluster's workers (coopstats[dask] installed there).",
)
@click.option(
    "--pdf",
    is_flag=True,
    help="Also print each report to PDF (WeasyPrint: pip install 'coopstats[pdf]'; else headless Chromium).",
)
@click.option(
    "--jobs", type=click.IntRange(min=1), default=2, show_default=True, help="Notebooks run in parallel."
)
@click.option(
    "--progress",
    type=click.Choice(["auto", "bar", "plain", "none"]),
    default="auto",
    show_default=True,
    help="bar (a terminal), plain (one line per report, for logs) or none; auto: bar on a terminal.",
)
@click.option("--prune", is_flag=True, help="Remove failed runs (and with --keep, old ones) and their files.")
@click.option(
    "--keep",
    type=click.IntRange(min=0),
    default=None,
    help="With --prune: runs kept per report, newest first.",
)
@click.option(
    "--notebook-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Folder of your own report notebooks (default: the ones coopstats ships).",
)
@click.option("--help", "show_help", is_flag=True, help="Show this message (or NAME's parameters) and exit.")
@click.pass_context
def report_command(
    ctx: click.Context,
    name: str | None,
    parameters: tuple[tuple[str, str], ...],
    output_dir: Path | None,
    timeout: float,
    run_grid: bool,
    user_documents: bool,
    scheduler: str | None,
    pdf: bool,
    jobs: int,
    progress: str,
    prune: bool,
    keep: int | None,
    notebook_dir: Path | None,
    show_help: bool,
) -> None:
    """Run a report notebook (or --all of them) into an HTML report.

    \b
    coopstats report agency_workload -p doc_id gdhk-keywork-2017 -p top_n 10
    coopstats report document_profile -p source my-document.txt
    coopstats report --all --jobs 2
    coopstats report --all --user        # the grid on your own documents too
    coopstats report agency_workload -p lang zh --pdf
    coopstats report --prune --keep 20
    """
    from coopstats._resources import reports_dir
    from coopstats.errors import CoopstatsError, ReportError

    if show_help:
        if name and not run_grid:
            try:
                click.echo(_parameters_help(name, notebook_dir))
            except ReportError as exc:
                raise click.UsageError(str(exc)) from exc
        else:
            click.echo(ctx.get_help())
        return
    folder = reports_dir(output_dir)
    if keep is not None and not prune:
        raise click.UsageError("--keep goes with --prune")
    if prune:
        if name or parameters or run_grid:
            raise click.UsageError("--prune takes no NAME, -p or --all")
        from coopstats.reports import prune_index

        click.echo(f"{prune_index(folder, keep=keep).describe()}; index: {folder / 'index.html'}")
        return
    from coopstats.reports import run

    mode = run.resolve_progress(progress)
    if (user_documents or scheduler) and not run_grid:
        raise click.UsageError("--user and --scheduler go with --all")
    if run_grid:
        if name or parameters:
            raise click.UsageError("--all runs the grid the notebooks declare; give no NAME or -p with it")
        from coopstats import batch
        from coopstats.reports import default_grid

        try:
            grid = default_grid(notebook_dir, user=user_documents)
            with contextlib.ExitStack() as stack:
                executor = stack.enter_context(batch.dask_executor(scheduler)) if scheduler else None
                records = run.run_all(
                    folder,
                    grid=grid,
                    jobs=jobs,
                    timeout=timeout,
                    notebook_dir=notebook_dir,
                    progress=mode,
                    executor=executor,
                    pdf=pdf,
                )
        except CoopstatsError as exc:  # a refused parameter set, a bad declaration, no dask: nothing ran
            click.echo(f"error: {exc}", err=True)
            ctx.exit(2)
        run.finish(records, mode, folder)
        if any(r.status != "ok" for r in records):
            ctx.exit(1)
        return
    if not name:
        from coopstats.reports import available_reports

        known = ", ".join(available_reports(notebook_dir))
        raise click.UsageError(f"give a report NAME or --all; reports: {known}")
    try:
        checked = run.check_parameters(name, dict(parameters), from_text=True, notebook_dir=notebook_dir)
        if pdf:
            run.pdf_engine()
    except ReportError as exc:  # unknown report or a refused value: no kernel started
        click.echo(f"error: {exc}", err=True)
        ctx.exit(2)
    if mode != "none":
        run.prepare_frames()
    record = run.run_one(
        name, None, folder, timeout=timeout, notebook_dir=notebook_dir, checked=checked, pdf=pdf
    )
    if record.status != "ok":
        click.echo(f"FAILED {record.error}", err=True)
        ctx.exit(1)
    click.echo(f"wrote {folder / str(record.html)} ({record.duration_s:.1f} s)")
    if record.pdf:
        click.echo(f"wrote {folder / record.pdf}")


def main() -> None:
    """Entry point of the ``coopstats`` command: library errors become one clear line and exit code 2."""
    from coopstats.errors import CoopstatsError

    try:
        code = cli.main(standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except CoopstatsError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)
