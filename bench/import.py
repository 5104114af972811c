"""Import benchmark: a messy Windows-1251 CSV into PostgreSQL, compared with a plain COPY.

    .venv/bin/python bench/import.py --rows 1000000 [--json]

Generates the file (5 % duplicate phones written differently, 1 % blacklisted numbers), starts
a throwaway PostgreSQL cluster, migrates, runs the same import engine as the wizard and the
`zvonar import` command, then COPYs the same file into a bare table, and times phone and name
searches through the contact list's filter on the imported base.
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

LAST = ["Иванов", "Петров", "Сидоров", "Кузнецов", "Смирнов", "Попов", "Соколов", "Лебедев"]
LAST += ["Козлов", "Новиков", "Морозов", "Волков", "Алексеев", "Лебедева", "Семёнов", "Егоров"]
FIRST = ["Иван", "Пётр", "Анна", "Мария", "Ольга", "Сергей", "Алексей", "Елена", "Дмитрий"]
MIDDLE = ["Иванович", "Петровна", "Сергеевич", "Алексеевна", ""]
CITIES = ["Москва", "Новосибирск", "Екатеринбург", "Казань", "Владивосток", "Самара"]
FORMATS = [
    "+7 ({a}) {b}-{c}-{d}",
    "8 {a} {b} {c} {d}",
    "8({a}){b}{c}{d}",
    "{a}{b}{c}{d}",
    "7-{a}-{b}-{c}-{d}",
    "+7{a}{b}{c}{d}",
]


def written(national: str, rng: random.Random) -> str:
    parts = {"a": national[:3], "b": national[3:6], "c": national[6:8], "d": national[8:]}
    return rng.choice(FORMATS).format(**parts)


def generate(path: Path, rows: int, seed: int = 5) -> list[str]:
    """Writes the file; returns the blacklisted numbers (E.164)."""
    rng = random.Random(seed)
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
            handle.write(
                f"{rng.choice(LAST)};{rng.choice(FIRST)};{rng.choice(MIDDLE)};"
                f"{written(national, rng)};client{index}@example.ru;{rng.choice(CITIES)};"
                f"{comment}\r\n"
            )
    return blacklisted


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


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

    workdir = Path(tempfile.mkdtemp(prefix="zvonar-bench-import-"))
    path = workdir / "contacts.csv"
    started = time.perf_counter()
    blacklisted = generate(path, args.rows)
    generated = time.perf_counter() - started
    rss_before = peak_rss_mb()

    with postgres_cluster() as url:
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
        connection.close()

        cpu_started = cpu_seconds()
        started = time.perf_counter()
        summary = import_file(path, ImportOptions(), rejected_path=workdir / "rejected.csv")
        import_seconds = time.perf_counter() - started
        import_cpu = cpu_seconds() - cpu_started
        rss_after = peak_rss_mb()
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
        "import_cpu_s_python": round(import_cpu, 1),
        "load_average_1min_at_end": os.getloadavg()[0],
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
    """p50/p99 in ms of the list's first page for phone searches and name searches."""
    from django.http import QueryDict

    from zvonar.crm.filtersets import ContactFilterSet
    from zvonar.crm.models import Contact, Phone

    rng = random.Random(7)
    numbers = list(Phone.objects.order_by("?").values_list("number", flat=True)[:count])
    # Surname prefixes, first names and "surname first name" pairs, as operators type them.
    names = [
        rng.choice(
            [rng.choice(LAST)[:4], rng.choice(FIRST), rng.choice(LAST) + " " + rng.choice(FIRST)]
        )
        for _ in range(count)
    ]
    misses = [f"Нетакого{index}" for index in range(max(10, count // 10))]

    def timed(parameter: str, values: list[str]) -> list[float]:
        times = []
        for value in values:
            query = QueryDict(mutable=True)
            query[parameter] = value
            started = time.perf_counter()
            filterset = ContactFilterSet(query, queryset=Contact.objects.alive())
            page = list(filterset.qs.order_by("last_name", "first_name", "id")[:50])
            times.append((time.perf_counter() - started) * 1000)
            assert page or parameter != "phone" or value.startswith("Нет"), value
        return times

    def written_locally(e164: str) -> str:
        return "8 (" + e164[2:5] + ") " + e164[5:8] + "-" + e164[8:10] + "-" + e164[10:]

    exact = timed("phone", [written_locally(number) for number in numbers])
    ending = timed("phone", [number[-7:] for number in numbers])
    name = timed("name", names)
    missing = timed("name", misses)
    return {
        "phone_exact_ms_p50": round(statistics.median(exact), 2),
        "phone_exact_ms_p99": round(percentile(exact, 0.99), 2),
        "phone_last7_ms_p50": round(statistics.median(ending), 2),
        "phone_last7_ms_p99": round(percentile(ending, 0.99), 2),
        "name_ms_p50": round(statistics.median(name), 2),
        "name_ms_p99": round(percentile(name, 0.99), 2),
        "name_not_found_ms_p50": round(statistics.median(missing), 2),
        "name_not_found_ms_p99": round(percentile(missing, 0.99), 2),
    }


if __name__ == "__main__":
    main()
