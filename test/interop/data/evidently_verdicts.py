"""Evidently's own drift verdicts (legacy Report with DataDriftPreset, its defaults) on the two versions oracle.py
wrote: per column the test it chose, its score and verdict, and the dataset verdict, for the whole files and for
their first 800 and 600 rows (Evidently switches tests at 1,000 reference rows).
Usage: evidently_verdicts.py OUT_DIR (reads ref.csv and cur.csv there, writes evidently.json)"""
import json, os, sys
import warnings
import pandas as pd
import evidently
from evidently.legacy.metric_preset import DataDriftPreset
from evidently.legacy.report import Report

warnings.filterwarnings('ignore')
out = sys.argv[1]
ref = pd.read_csv(os.path.join(out, 'ref.csv'))
cur = pd.read_csv(os.path.join(out, 'cur.csv'))

def drift(r, c):
    report = Report(metrics=[DataDriftPreset()])
    report.run(reference_data=r, current_data=c)
    table = next(m['result'] for m in report.as_dict()['metrics'] if m['metric'] == 'DataDriftTable')
    return {
        'columns': {
            name: {
                'test': col['stattest_name'],
                'score': float(col['drift_score']),
                'threshold': float(col['stattest_threshold']),
                'drifted': bool(col['drift_detected']),
            }
            for name, col in table['drift_by_columns'].items()
        },
        'drifted': bool(table['dataset_drift']),
        'share': float(table['share_of_drifted_columns']),
    }

json.dump({
    'version': evidently.__version__,
    'drift': drift(ref, cur),
    'driftSmall': drift(ref.head(800), cur.head(600)),
}, open(os.path.join(out, 'evidently.json'), 'w'), indent=1)
