"""The bench's verdicts (SPEC §10 budgets, PASS/FAIL per line), its figures and the cost table."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.cost_model import Estimate, total_without_sms


@dataclass(frozen=True)
class Budget:
    name: str
    value: float
    limit: float
    compare: Callable[[float, float], bool]
    sign: str

    @property
    def passed(self) -> bool:
        return self.compare(self.value, self.limit)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "budget": f"{self.sign} {self.limit:g}",
            "verdict": "PASS" if self.passed else "FAIL",
        }


def budgets(results: dict[str, Any]) -> list[Budget]:
    scan, roster = results["scan"], results["roster"]
    memory, cold = results["memory"], results["cold_start"]
    ack, send = scan["ack"], scan["send"]
    le, eq = operator.le, operator.eq
    return [
        Budget("Daily scan: youth items read / due (100,000 stored)",
               scan["scan"]["items_read_per_due"], 1.1, le, "≤"),
        Budget("Roster 10,000 new rows: DynamoDB write requests",
               roster["new"]["dynamodb_write_requests"], 401, le, "≤"),
        Budget("Same roster again: youths written",
               roster["same_file_again"]["youth_items_written"], 0, eq, "="),
        Budget("Upload path, 50,000 rows CSV: peak RSS (MB)",
               memory["csv"]["peak_rss_mb"], 256, le, "≤"),
        Budget("Upload path, 50,000 rows XLSX: peak RSS (MB)",
               memory["xlsx"]["peak_rss_mb"], 256, le, "≤"),
        Budget("Send one referral: DynamoDB requests", send["dynamodb_requests"], 3, le, "≤"),
        Budget("Send one referral: provider calls", send["provider_calls"], 1, eq, "="),
        Budget("Ack GET: DynamoDB requests (one read)", ack["get_dynamodb_requests"], 1, eq, "="),
        Budget("Ack POST: DynamoDB requests", ack["post_dynamodb_requests"], 2, le, "≤"),
        Budget("Cold start: import app.py / bare Chalice + boto3 (median)",
               cold["import_ratio"], 1.3, le, "≤"),
        *package_budgets(results["package"]["package"]),
        *lambda_budgets(results["package"]["lambdas"]),
        *file_budgets(results["files"]),
        Budget("National morning: largest invocation's DynamoDB requests",
               results["national"]["largest_invocation_requests"], 5000, le, "≤"),
        Budget("National cost model without SMS (EUR / month)",
               results["cost_eur_without_sms"], 10, le, "≤"),
        *department_budgets(results["department"]),
    ]  # fmt: skip


def department_budgets(department: dict[str, Any]) -> list[Budget]:
    """A real department through make run (SPEC §10, v3): 20,000 youths, 3,000 due."""
    if not department:
        return []
    page, le = department["youths_page"], operator.le
    return [
        Budget("20,000 youths through make run: upload, scan, sends (minutes)",
               department["minutes"], 10, le, "≤"),
        Budget("20,000 youths through make run: peak RSS of the process tree (MB)",
               department["peak_rss_run_mb"], 1536, le, "≤"),
        Budget(f"Console youths list at 20,000: items read ({page['rows_shown']} rows shown)",
               page["items_read"], page["items_budget"], le, "≤"),
        Budget("Console youths list at 20,000: render time (s)", page["seconds"], 1, le, "≤"),
    ]  # fmt: skip


def package_budgets(package: dict[str, Any]) -> list[Budget]:
    """The deployment zip of ``make package`` (a missing zip fails both lines)."""
    zipped, unzipped = package.get("zipped_mb", 1e9), package.get("unzipped_mb", 1e9)
    return [Budget("Lambda package: zipped (MB)", zipped, 12, operator.le, "≤"),
            Budget("Lambda package: unzipped (MB)", unzipped, 35, operator.le, "≤")]  # fmt: skip


def lambda_budgets(cold: dict[str, Any]) -> list[Budget]:
    """Per Lambda, its cold import from the lean package over the pre-lean package's (same run,
    median of paired rounds): at most today's, within the tolerance; no figures (no zip) fails."""
    if not cold.get("lambdas"):
        why = cold.get("missing", "run make package")
        return [Budget(f"Cold start per Lambda: no figures ({why})", 1, 0, operator.le, "≤")]
    return [Budget(f"Cold start {name} ({f['kind']}): lean ÷ pre-lean"
                   + ("" if f["baseline"] == name else f" {f['baseline']}"),
                   f["lean_over_pre_lean"], 1 + cold["tolerance"], operator.le, "≤")
            for name, f in cold["lambdas"].items()]  # fmt: skip


def file_budgets(files: dict[str, Any]) -> list[Budget]:
    """Per hostile or extreme file: CPU seconds and peak MB above resting (SPEC §10), and for a
    refusal, a 4xx (value = the HTTP status, budget: < 500)."""
    found = []
    for name, figure in files.items():
        if not isinstance(figure, dict) or "budget" not in figure:
            continue
        for key, unit in (("cpu_seconds", "CPU s"), ("peak_above_resting_mb", "MB above rest")):
            value = figure.get(key)
            found.append(Budget(f"File {name}: {unit}", float(value if value is not None else 1e9),
                                figure["budget"][key], operator.le, "≤"))  # fmt: skip
        if figure["budget"]["cpu_seconds"] <= 2:
            status = figure.get("status")
            found.append(Budget(f"File {name}: refused with HTTP status",
                                float(status if isinstance(status, int) else 999), 500,
                                operator.lt, "<"))  # fmt: skip
    return found


def figures(results: dict[str, Any]) -> list[tuple[str, str]]:
    scan, roster, memory = results["scan"], results["roster"], results["memory"]
    cold, idle = results["cold_start"], results["idle"]
    new, again, changed = roster["new"], roster["same_file_again"], roster["changed_2_percent"]
    sample = scan["send"]["sample"]
    return [
        ("Daily scan: due / youth items read (scanned) / all items read (directory, departments)",
         f"{scan['scan']['due']} / {scan['scan']['youth_items_read']} "
         f"({scan['scan']['youth_items_scanned']}) / {scan['scan']['total_items_read']}"),
        ("Daily scan: DynamoDB requests, wall time",
         f"{scan['scan']['dynamodb_requests']} requests, {scan['scan']['seconds']} s "
         f"({scan['scan']['referrals_created']} referrals created)"),
        ("Roster 10,000 new rows: write requests, rows/s",
         f"{new['dynamodb_write_requests']} ({new['by_operation']}), {new['rows_per_second']}/s"),
        ("Same file again: write requests (the audit event of §8), read requests, rows/s",
         f"{again['dynamodb_write_requests']}, {again['dynamodb_read_requests']}, "
         f"{again['rows_per_second']}/s"),
        (f"Same roster, {changed['rows_changed']} rows changed: writes, reads",
         f"{changed['dynamodb_write_requests']}, {changed['dynamodb_read_requests']}"),
        ("Upload 50,000 rows CSV / XLSX: peak RSS (after imports), rows/s",
         f"{memory['csv']['peak_rss_mb']} MB ({memory['csv']['rss_after_imports_mb']}), "
         f"{memory['csv']['rows_per_second']}/s / {memory['xlsx']['peak_rss_mb']} MB "
         f"({memory['xlsx']['rss_after_imports_mb']}), {memory['xlsx']['rows_per_second']}/s"),
        ("Send: per message over a sample (DynamoDB requests, provider calls)",
         f"{sample['dynamodb_requests_per_message']}, {sample['provider_calls_per_message']} "
         f"({sample['outcomes']})"),
        ("Cold start: app / bare import (ms), whole process (ms)",
         f"{cold['app_import_ms']} / {cold['bare_import_ms']}, "
         f"{cold['app_process_ms']} / {cold['bare_process_ms']} (ratio {cold['process_ratio']})"),
        ("Cold start: what app imports beyond the bare app (ms, self time)",
         ", ".join(f"{k} {v}" for k, v in list(cold["extra_imports_ms"].items())[:6])),
        *lambda_figures(results["package"]["lambdas"]),
        ("Lambda package: zipped / unzipped MB, files, largest (MB)",
         f"{results['package']['package'].get('zipped_mb')} / "
         f"{results['package']['package'].get('unzipped_mb')}, "
         f"{results['package']['package'].get('files')}, "
         f"{results['package']['package'].get('largest_mb')}"),
        (f"Idle dispatch run ({idle['departments']} departments): requests, wall time",
         f"{idle['dispatch']['dynamodb_requests']}, {idle['dispatch']['seconds']} s"),
        *[(f"File {name} ({f.get('file_mb')} MB)",
           f"{f.get('status')} {f.get('code') or ''} — {f.get('cpu_seconds')} CPU s, "
           f"{f.get('peak_above_resting_mb')} MB above rest")
          for name, f in results["files"].items() if isinstance(f, dict)],
        *national_figures(results["national"]),
        *department_figures(results["department"]),
    ]  # fmt: skip


def lambda_figures(cold: dict[str, Any]) -> list[tuple[str, str]]:
    if not cold.get("lambdas"):
        return []
    return [
        (f"Cold start per Lambda, lean / pre-lean ({cold['pre_lean']}) package: CPU ms, and ratio "
         f"to the bare app ({cold['bare_cpu_ms']} CPU ms); medians of {cold['runs']}",
         ", ".join(f"{name} {f['lean_cpu_ms']} / {f['pre_lean_cpu_ms']} ({f['lean_ratio']} / "
                   f"{f['pre_lean_ratio']})" for name, f in cold["lambdas"].items())),
        ("Cold start per Lambda, this code: lean package / pre-lean libraries (boto3 vendored, "
         "full phonenumbers)",
         ", ".join(f"{name} {f['lean_over_vendored']}" for name, f in cold["lambdas"].items())),
        ("Cold start per Lambda: compiled packages from this machine (the zip is arm64)",
         ", ".join(cold["native_from_this_machine"]) or "none"),
    ]  # fmt: skip


def department_figures(department: dict[str, Any]) -> list[tuple[str, str]]:
    page = department["youths_page"]
    return [
        (f"20,000 youths through make run ({department['due']} due): minutes, CPU s, "
         "DynamoDB requests, referrals, emails / SMS sent, emails a second allowed",
         f"{department['minutes']} min, {department['cpu_seconds']} CPU s, "
         f"{department['dynamodb_requests']:,}, {department['referrals']}, "
         f"{department['emails_sent']} / {department['sms_sent']}, "
         f"{department.get('email_rate_per_second', '?')}"),
        ("20,000 youths through make run: RSS resting / after the run / after a quiet turn / peak"
         " of the run / peak with the console page (MB)",
         f"{department['rss_resting_mb']} / {department['rss_after_run_mb']} / "
         f"{department['rss_after_quiet_turn_mb']} / {department['peak_rss_run_mb']} / "
         f"{department['peak_rss_tree_mb']}"),
        ("Console youths list at 20,000: rows shown, DynamoDB requests, items read, seconds, "
         "HTTP statuses",
         f"{page['rows_shown']}, {page['dynamodb_requests']}, {page['items_read']} "
         f"(budget {page['items_budget']}), {page['seconds']} s, {page['statuses']}"),
    ]  # fmt: skip


def national_figures(national: dict[str, Any]) -> list[tuple[str, str]]:
    """The first national morning (SPEC §10), sampled and extrapolated."""
    return [
        ("National morning: SAMPLED AND EXTRAPOLATED", national["sampled"]),
        ("National morning: invocations (uploads, scan and send batches, schedules)",
         f"{national['national_invocations']:,} (sample: {national['sample_invocations']}, "
         f"{national['sample_failed_items']} failed items)"),
        ("National morning: largest invocation, DynamoDB requests -> at 10 ms a request",
         f"{national['largest_invocation_requests']:,} ({national['largest_invocation']}) -> "
         f"{national['largest_invocation_seconds_at_10ms']} s; all: "
         + ", ".join(f"{k} {v:,}" for k, v in national["largest_invocations"].items())),
        ("National morning: DynamoDB requests per scanned youth, per sent message",
         f"{national['requests_per_scanned_youth']}, {national['requests_per_sent_message']}"),
        ("National morning: messages; time to send them all at 14/s and 50/s",
         f"{national['national_messages']:,}; "
         + ", ".join(f"{h} h at {r}" for r, h in national["hours_to_send_everything"].items())),
        ("National morning: a full send batch paced at 14/s and 50/s (2 workers share the rate)",
         ", ".join(f"{s} s at {rate}" for rate, s in national["send_batch_seconds"].items())),
    ]  # fmt: skip


def render(results: dict[str, Any], estimate: Estimate, seconds: float) -> str:
    checks = budgets(results)
    lines = ["", "Relais ASE — make bench (SPEC §10)", "", "Budgets"]
    width = max(len(b.name) for b in checks)
    for check in checks:
        verdict = "PASS" if check.passed else "FAIL"
        lines.append(f"  {check.name:<{width}}  {check.value:>8g}  {check.sign} "
                     f"{check.limit:<6g} {verdict}")  # fmt: skip
    lines += ["", "Figures"]
    lines += [f"  {name}: {value}" for name, value in figures(results)]
    lines += ["", "National cost model — per month, USD, eu-west-3 list prices (see docs/COSTS.md)"]
    width = max(len(f"{line.service} {line.item}") for line in estimate.lines)
    for line in estimate.lines:
        label = f"{line.service} {line.item}"
        lines.append(f"  {label:<{width}}  {line.quantity:>14,.1f} {line.unit:<13} "
                     f"${line.usd:>9,.2f}  {line.note}")  # fmt: skip
    lines.append(f"  {'Total':<{width}}  {'':>14} {'':<13} ${estimate.total:>9,.2f}")
    lines.append(f"  {'Total without SMS':<{width}}  {'':>14} {'':<13} "
                 f"${total_without_sms(estimate):>9,.2f}  = EUR "
                 f"{results['cost_eur_without_sms']:.2f} (SPEC §10: below 10 EUR)")  # fmt: skip
    failed = [b.name for b in checks if not b.passed]
    lines += ["", f"FAIL: {'; '.join(failed)}" if failed else "All budgets PASS",
              f"Bench wall time: {seconds:.0f} s ("
              + ", ".join(f"{k} {v:.0f} s" for k, v in results.get("phase_seconds", {}).items())
              + ")", ""]  # fmt: skip
    return "\n".join(lines)
