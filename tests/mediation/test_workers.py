"""Several workers at once share one duplicate store: two processes given files with the same
records (as after a switch re-sends a file under a new name) distribute each record once."""
from __future__ import annotations

import datetime as dt
import pathlib
import subprocess

import sqlalchemy as sa

from devtools.testdata.cdr_files import generate
from tests.conftest import _empty_tables
from tests.mediation.test_kill import _command

TOTALS = ("SELECT count(*), coalesce(sum(volume_down), 0), coalesce(sum(duration_s), 0), "
          "coalesce(sum(messages), 0) FROM usage_record")


def test_two_workers_with_overlapping_files_distribute_each_record_once(app, schema, database_url, tmp_path):
    [path] = generate("generic-csv", 6000, str(tmp_path), seed=21, partials=0.0,
                      start=dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
    lines = pathlib.Path(path).read_text().splitlines()
    resent = tmp_path / "resent.csv"
    resent.write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n")  # same records, other order
    engine = sa.create_engine(database_url)
    try:
        args, env = _command(database_url, [path], 100)
        alone = subprocess.run(args, env=env, cwd=pathlib.Path(__file__).resolve().parents[2], capture_output=True,
                               text=True, timeout=300)
        assert alone.returncode == 0, alone.stderr
        with engine.connect() as conn:
            expected = tuple(conn.execute(sa.text(TOTALS)).one())
            distributed = conn.execute(sa.text("SELECT distributed FROM mediation_file")).scalar()
        _empty_tables(schema)

        root = pathlib.Path(__file__).resolve().parents[2]
        workers = [subprocess.Popen(_command(database_url, [str(p)], 100)[0], env=env, cwd=root,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for p in (path, resent)]
        outputs = [w.communicate(timeout=300) for w in workers]
        assert [w.returncode for w in workers] == [0, 0], [err for _, err in outputs]
        with engine.connect() as conn:
            assert tuple(conn.execute(sa.text(TOTALS)).one()) == expected
            files = conn.execute(sa.text("SELECT received, distributed, duplicates, rejected, filtered, held "
                                         "FROM mediation_file ORDER BY id")).all()
        assert len(files) == 2 and all(f[0] == f[1] + f[2] + f[3] + f[4] + f[5] for f in files)
        assert files[0][1] + files[1][1] == distributed  # each record distributed by one worker only
        assert files[0][2] + files[1][2] >= distributed  # and every record's twin caught as a duplicate
    finally:
        engine.dispose()
