"""Import benchmark: a messy Windows-1251 CSV into PostgreSQL, compared with a plain COPY.

    .venv/bin/python bench/import.py --rows 1000000 [--json]

Generates the file (5 % duplicate phones written differently, 1 % blacklisted numbers, names
from bench/russian_names.py with a frequency-like spread), starts a throwaway PostgreSQL
cluster, migrates, runs the same import engine as the wizard and the `zvonar import` command,
then COPYs the same file into a bare table, and times phone and name searches as the contact
list runs them (its filter, the capped ids of the matches, first page) on the imported base.
CPU seconds of the importing process and of every PostgreSQL process of the cluster are printed
too: on a shared machine the wall time says more about the neighbours than about the import.
"""

import argparse
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "scripts"), str(ROOT)]

from russian_names import NameGenerator  # noqa: E402

CITIES = ["Москва", "Новосибирск", "Екатеринбург", "Казань", "Владивосток", "Самара"]
FORMATS = [
    "+7 ({a}) {b}-{c}-{d}",
    "8 {a} {b} {c} {d}",
    "8({a}){b}{c}{d}",
    "{a}{b}{c}{d}",
    "7-{a}-{b}-{c}-{d}",
    "+7{a}{b}{c}{d}",
]


# A server set up for a base of this size, as the README advises for production: a quarter of
# the machine's memory for PostgreSQL's buffers (the default 128 MB holds a small part of a
# million contacts' tables and indexes, so batches evicted and re-read pages), and checkpoints
# spaced out. The plain COPY below runs on the same server.
SERVER_SETTINGS = {"shared_buffers": "4GB", "max_wal_size": "8GB", "checkpoint_timeout": "30min"}


def written(national: str, rng: random.Random) -> str:
    parts = {"a": national[:3], "b": national[3:6], "c": national[6:8], "d": national[8:]}
    return rng.choice(FORMATS).format(**parts)


def generate(path: Path, rows: int, seed: int = 5) -> list[str]:
    """Writes the file; returns the blacklisted numbers (E.164)."""
    rng = random.Random(seed)
    names = NameGenerator(rng)
    used: list[str] = []
    blacklisted: list[str] = []
    with open(path, "w", encoding="cp1251", newline="") as handle:
        handle.write("Фамилия;Имя;Отчество;Телефон;E-mail;Город;Комментарий\r\n")
        for index in range(rows):
            roll = rng.random()
            if roll < 0.05 and used:
                national = rng.choice(used)  # a duplicate, written another way
            else:
                national = f"9{rng.randint(100000000, 999999999)}"
                if len(used) < 100_000:
                    used.append(national)
                if 0.05 <= roll < 0.06:
                    blacklisted.append("+7" + national)
            comment = '"перезвонить; после 18:00"' if index % 50 == 0 else ""
            last, first, middle = names.person()
            if rng.random() < 0.1:
                middle = ""
            handle.write(
                f"{last};{first};{middle};"
                f"{written(national, rng)};client{index}@example.ru;{rng.choice(CITIES)};"
                f"{comment}\r\n"
            )
    return blacklisted


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def process_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def database_cpu_seconds(backend_pid: int) -> float:
    """CPU seconds of every process of the cluster: the postmaster's children, live ones read
    directly and ended ones (the import's writer connection, autovacuum) as the postmaster's
    reaped children."""
    fields = Path(f"/proc/{backend_pid}/stat").read_text().rsplit(")", 1)[1].split()
    postmaster = int(fields[1])
    parent = Path(f"/proc/{postmaster}/stat").read_text().rsplit(")", 1)[1].split()
    total = sum(int(value) for value in parent[11:15])
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--searches", type=int, default=200)
    args = parser.parse_args()

    from with_services import postgres_cluster

    load_at_start = [round(value, 2) for value in os.getloadavg()]
    workdir = Path(tempfile.mkdtemp(prefix="zvonar-bench-import-"))
    path = workdir / "contacts.csv"
    started = time.perf_counter()
    blacklisted = generate(path, args.rows)
    generated = time.perf_counter() - started
    rss_before = peak_rss_mb()

    with postgres_cluster(SERVER_SETTINGS) as url:
        os.environ["ZVONAR_DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zvonar.config.settings")
        os.environ.setdefault("ZVONAR_VAR_DIR", str(workdir))
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        from zvonar.crm.importing import ImportOptions, import_file
        from zvonar.crm.models import BlacklistEntry

        BlacklistEntry.objects.bulk_create(
            [BlacklistEntry(number=number) for number in set(blacklisted)], batch_size=5000
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            database_cpu_started = database_cpu_seconds(cursor.fetchone()[0])
        connection.close()

        cpu_started = cpu_seconds()
        started = time.perf_counter()
        summary = import_file(path, ImportOptions(), rejected_path=workdir / "rejected.csv")
        import_seconds = time.perf_counter() - started
        import_cpu = cpu_seconds() - cpu_started
        rss_after = peak_rss_mb()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend_pid = cursor.fetchone()[0]
            backend_cpu = process_cpu_seconds(backend_pid)
            database_cpu = database_cpu_seconds(backend_pid) - database_cpu_started
        print(
            f"import: {import_seconds:.1f} s, {args.rows / import_seconds:.0f} rows/s, "
            f"peak RSS {rss_after:.0f} MB, {summary.__dict__}",
            file=sys.stderr,
            flush=True,
        )

        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE bare (last_name text, first_name text, middle_name text, "
                "phone text, email text, city text, comment text)"
            )
        raw = connection.connection
        started = time.perf_counter()
        with (
            raw.cursor() as cursor,
            cursor.copy(
                "COPY bare FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true, ENCODING 'WIN1251')"
            ) as copy,
            open(path, "rb") as handle,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        raw.commit()
        copy_seconds = time.perf_counter() - started

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        searches = measure_searches(args.searches)

    rows_per_second = args.rows / import_seconds
    result = {
        "rows": args.rows,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "generate_s": round(generated, 1),
        "import_s": round(import_seconds, 1),
        "rows_per_s": round(rows_per_second),
        "import_cpu_s_python_main_process": round(import_cpu, 1),
        # Every PostgreSQL process during the import: the backends of the reading thread and of
        # the writer thread, autovacuum (same machine; Linux /proc).
        "import_cpu_s_database": round(database_cpu, 1),
        # Of which the backend of the reading thread's connection (classification look-ups).
        "import_cpu_s_database_reading_backend": round(backend_cpu, 1),
        "load_average_at_start": load_at_start,
        "load_average_at_end": [round(value, 2) for value in os.getloadavg()],
        "copy_s": round(copy_seconds, 2),
        "ratio_to_copy": round(import_seconds / copy_seconds, 1),
        "peak_rss_mb_before_import": round(rss_before),
        "peak_rss_mb": round(rss_after),
        "summary": summary.__dict__,
        **searches,
    }
    path.unlink()
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for name, value in result.items():
        print(f"{name:28} {value}")


def measure_searches(count: int) -> dict:
    """p50/p99 in ms of what the contact list does for a search: the matches' ids up to the
    cap (their count), then the first page (50 rows, in the list's default order)."""
    from django.http import QueryDict

    from zvonar.crm.filtersets import ContactFilterSet
    from zvonar.crm.models import Contact, Phone
    from zvonar.crm.tables import CappedPaginator, narrow_to_matches

    rng = random.Random(7)
    numbers = list(Phone.objects.order_by("?").values_list("number", flat=True)[:count])
    # Operators look for clients who are in the base, as they type them: the start of the
    # surname, the surname and first name, or the full name.
    people = Contact.objects.order_by("?").values_list("last_name", "first_name", "middle_name")
    names = [
        rng.choice([last[: rng.randint(4, 6)], f"{last} {first}", f"{last} {first} {middle}"])
        for last, first, middle in people[:count]
    ]
    misses = [f"Нетакого{index}" for index in range(max(10, count // 10))]

    def timed(parameter: str, values: list[str], order: tuple = ()) -> list[float]:
        times = []
        for value in values:
            query = QueryDict(mutable=True)
            query[parameter] = value
            started = time.perf_counter()
            queryset = ContactFilterSet(query, queryset=Contact.objects.alive()).qs
            if order:
                queryset = queryset.order_by(*order)
            # As the list view does: the matches' ids (or "more than the cap"), then the page.
            paged, count = narrow_to_matches(queryset, Contact.objects.alive())
            page = list(CappedPaginator(paged, 50, count=count).page(1).object_list)
            times.append((time.perf_counter() - started) * 1000)
            assert page or parameter != "phone" or value.startswith("Нет"), value
        return times

    def written_locally(e164: str) -> str:
        return "8 (" + e164[2:5] + ") " + e164[5:8] + "-" + e164[8:10] + "-" + e164[10:]

    by_name = ("last_name", "first_name", "company_name", "id")
    results = {
        "phone_exact": timed("phone", [written_locally(number) for number in numbers]),
        "phone_last7": timed("phone", [number[-7:] for number in numbers]),
        "name": timed("name", names),
        "name_not_found": timed("name", misses),
        "name_sorted_by_name": timed("name", names[: max(10, count // 4)], by_name),
    }
    figures = {}
    for name, times in results.items():
        figures[f"{name}_ms_p50"] = round(statistics.median(times), 2)
        figures[f"{name}_ms_p99"] = round(percentile(times, 0.99), 2)
    return figures


if __name__ == "__main__":
    main()
