"""Writes two versions of a dataset (pandas CSV with hostile text, pyarrow Parquet) and the oracles: pandas
statistics of each column and scipy's drift scores with Evidently's default test choice and column typing (its
get_default_stattest and _get_column_type; evidently_verdicts.py asks Evidently itself).
Usage: oracle.py OUT_DIR ROWS"""
import json, os, sys
import numpy as np, pandas as pd, pyarrow as pa, pyarrow.parquet as pq
from scipy import stats
from scipy.spatial import distance

out, rows = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(7)
def version(shift):
    n = rows
    df = pd.DataFrame({
        'amount': np.round(np.exp(3.4 + 1.1 * rng.standard_normal(n)) * (1 + shift), 2),
        'category': rng.choice(['grocery', 'travel, "far"', 'gaming\nonline', 'fuel'], n, p=[0.4 - shift, 0.2, 0.2 + shift, 0.2]),
        'flag': rng.choice([0, 1], n, p=[0.7, 0.3]),
        'hour': rng.integers(0, 24, n),
        'score': rng.standard_normal(n) + shift,
    })
    df.loc[rng.choice(n, n // 50, replace=False), 'amount'] = np.nan
    return df
ref, cur = version(0.0), version(0.15)
ref.to_csv(os.path.join(out, 'ref.csv'), index=False)
cur.to_csv(os.path.join(out, 'cur.csv'), index=False)
pq.write_table(pa.Table.from_pandas(ref, preserve_index=False), os.path.join(out, 'ref.parquet'), compression='snappy')

def profile(df):
    res = {}
    for c in df.columns:
        s = df[c]
        r = {'nulls': int(s.isna().sum()), 'distinct': int(s.nunique())}
        if pd.api.types.is_numeric_dtype(s):
            d = s.describe()
            r.update({'mean': float(d['mean']), 'std': float(d['std']), 'min': float(d['min']), 'max': float(d['max'])})
            r['quantiles'] = [float(s.quantile(q)) for q in [0.05, 0.25, 0.5, 0.75, 0.95]]
        res[c] = r
    return res

def drift(r, c, numeric):
    r, c = r.dropna(), c.dropna()
    n_values = pd.concat([r, c]).nunique()
    if len(r) <= 1000:
        if numeric and n_values > 5:
            test, score = 'ks', stats.ks_2samp(r, c).pvalue; drifted = score <= 0.05
        elif n_values > 2:
            keys = sorted(set(r.unique()) | set(c.unique()), key=str)
            rc, cc = r.value_counts(), c.value_counts()
            k = len(c) / len(r)
            test, score = 'chi-squared', stats.chisquare([cc.get(x, 0) for x in keys], [rc.get(x, 0) * k for x in keys]).pvalue
            drifted = score < 0.05
        else:
            test = 'z-test'
            keys = list(set(r.unique()) | set(c.unique())); t = keys[0]
            p1, p2 = (r != t).mean(), (c != t).mean(); P = (p1 * len(r) + p2 * len(c)) / (len(r) + len(c))
            z = (p1 - p2) / np.sqrt(P * (1 - P) * (1 / len(r) + 1 / len(c)))
            score = 2 * stats.norm.sf(abs(z)); drifted = score < 0.05
    else:
        if numeric and n_values > 5:
            test = 'wasserstein'; score = stats.wasserstein_distance(r, c) / max(np.std(r), 0.001)
        else:
            test = 'jensen-shannon'
            if numeric:
                edges = np.histogram_bin_edges(pd.concat([r, c]), bins='sturges')
                p = np.histogram(r, edges)[0] / len(r); q = np.histogram(c, edges)[0] / len(c)
            else:
                keys = list(set(r.unique()) | set(c.unique()))
                rc, cc = r.value_counts(), c.value_counts()
                p = np.array([rc.get(x, 0) for x in keys]) / len(r); q = np.array([cc.get(x, 0) for x in keys]) / len(c)
            score = distance.jensenshannon(p, q)
        drifted = score >= 0.1
    return {'test': test, 'score': float(score), 'drifted': bool(drifted)}

def numerical(r, c):
    # Evidently's column typing: an integer dtype (of the current version) with at most 5 distinct values in the
    # reference (else the current) is categorical; other numeric dtypes are numerical.
    if pd.api.types.is_integer_dtype(c):
        return (r.nunique() or c.nunique()) > 5
    return pd.api.types.is_numeric_dtype(c)

def report(r, c):
    cols = {k: drift(r[k], c[k], numerical(r[k], c[k])) for k in r.columns}
    share = sum(v['drifted'] for v in cols.values()) / len(cols)
    return {'columns': cols, 'drifted': share >= 0.5}

json.dump({
    'profile': profile(ref),
    'drift': report(ref, cur),
    'driftSmall': report(ref.head(800), cur.head(600)),
}, open(os.path.join(out, 'expected.json'), 'w'))
