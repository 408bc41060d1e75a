"""Writes TensorBoard event files with the real writers and the expected scalars read back by TensorBoard.

Usage: python generate.py <out-dir>
  <out-dir>/logs/...      event files (one folder per run)
  <out-dir>/hparams/...   HParams tuning runs (Keras-style and tensorboardX's add_hparams)
  <out-dir>/expected.json scalars per run folder and tag, as TensorBoard's EventAccumulator reads them, and the
                          hyperparameters its HParams plugin reads (hparamsLogs: the same for hparams/)

Both scalar styles are written: tensorboardX's `simple_value` (what PyTorch's SummaryWriter writes) and TF2-style
scalar tensors (`tensor_content`, `float_val`, `double_val`, `half_val`, `int_val`, `int64_val`), built with
TensorBoard's bundled protos and written with TensorBoard's EventFileWriter. Non-scalar summaries (histogram,
text) are mixed in and must be ignored. HParams as Keras's tuning writes them (tensorboard's hparams summaries: the
experiment definition on top, one session per trial folder) and as tensorboardX's add_hparams writes them; expected
hyperparameters as TensorBoard's HParams plugin reads them.

The copy the unit tests read (test/fixtures/tensorboard: logs/, expected.json) was made by running this script into
a temporary folder; the interop test regenerates it every run.
"""

import json
import math
import os
import socket
import struct
import sys

# Event file names carry the host name; keep them neutral.
socket.gethostname = lambda: "trainer"

import numpy as np  # noqa: E402
from tensorboard.backend.event_processing import plugin_event_accumulator  # noqa: E402
from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2  # noqa: E402
from tensorboard.summary.writer.event_file_writer import EventFileWriter  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402
from tensorboardX import SummaryWriter  # noqa: E402

WALL = 1_700_000_000.0


def encode_float(value):
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def write_tensorboardx(logdir):
    writer = SummaryWriter(logdir, flush_secs=1)
    for step in range(200):
        t = WALL + step * 0.5
        writer.add_scalar("train/loss", 2.0 / (step + 1), step, walltime=t)
        writer.add_scalar("train/lr", 0.1 * 0.99**step, step, walltime=t)
        if step % 20 == 0:
            writer.add_scalar("val/acc", 0.5 + step / 500, step, walltime=t)
            if step % 100 == 0:
                writer.add_histogram("weights", np.linspace(-1, 1, 50) * (step + 1), step, walltime=t)
    for i, v in enumerate([float("nan"), float("inf"), float("-inf"), 3.4e38, 1e-45, -0.0, 0.1]):
        writer.add_scalar("special", v, i, walltime=WALL + 1000 + i)
    writer.add_text("notes", "not a scalar", 0, walltime=WALL)
    # Grouped scalars: tensorboardX writes each into its own sub-folder (its own run).
    for step in range(10):
        writer.add_scalars("compare", {"a": step * 1.0, "b": step * 2.0}, step, walltime=WALL + step)
    writer.close()


def scalar_tensor(dtype, **fields):
    return tensor_pb2.TensorProto(dtype=dtype, tensor_shape=tensor_shape_pb2.TensorShapeProto(), **fields)


def write_tf2(logdir, suffix, steps, offset):
    """TF2-style: scalar tensors with the `scalars` plugin named in the first event of each tag only."""
    writer = EventFileWriter(logdir, filename_suffix=suffix)
    seen = set()

    def value(tag, tensor):
        metadata = None
        if tag not in seen:
            seen.add(tag)
            metadata = summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="scalars"))
        return summary_pb2.Summary.Value(tag=tag, tensor=tensor, metadata=metadata)

    for step in steps:
        x = (step + offset) / 10.0
        values = [
            value("loss", scalar_tensor(types_pb2.DT_FLOAT, tensor_content=struct.pack("<f", 1.0 / (1.0 + x)))),
            value("epoch_accuracy", scalar_tensor(types_pb2.DT_FLOAT, float_val=[x / (1.0 + x)])),
            value("precise", scalar_tensor(types_pb2.DT_DOUBLE, double_val=[math.pi * x])),
            value("precise_content", scalar_tensor(types_pb2.DT_DOUBLE, tensor_content=struct.pack("<d", math.e * x))),
            value("half", scalar_tensor(types_pb2.DT_HALF, half_val=[int(np.float16(x).view(np.uint16))])),
            value("count", scalar_tensor(types_pb2.DT_INT32, int_val=[step * 3 - 7])),
            value("big_count", scalar_tensor(types_pb2.DT_INT64, int64_val=[step * 1_000_003])),
        ]
        # A non-scalar tensor (a histogram-like matrix) in the same summary.
        values.append(
            summary_pb2.Summary.Value(
                tag="matrix",
                tensor=tensor_pb2.TensorProto(
                    dtype=types_pb2.DT_DOUBLE,
                    tensor_shape=tensor_shape_pb2.TensorShapeProto(dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=2), tensor_shape_pb2.TensorShapeProto.Dim(size=3)]),
                    double_val=[1, 2, 3, 4, 5, 6],
                ),
                metadata=summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="histograms")),
            )
        )
        writer.add_event(event_pb2.Event(wall_time=WALL + step, step=step, summary=summary_pb2.Summary(value=values)))
    # Special values in a float32 tensor_content and a double_val.
    for i, v in enumerate([float("nan"), float("inf"), float("-inf")]):
        writer.add_event(
            event_pb2.Event(
                wall_time=WALL + 500 + i,
                step=1000 + i,
                summary=summary_pb2.Summary(value=[value("loss", scalar_tensor(types_pb2.DT_FLOAT, tensor_content=struct.pack("<f", v)))]),
            )
        )
    writer.close()


def write_keras_hparams(logdir):
    """What Keras's HParams tuning writes: the experiment definition (`hp.hparams_config`) at the top of the tuning
    folder, and one folder per trial with its session (`hp.hparams`) and TF2-style scalars."""
    from tensorboard.plugins.hparams import summary_v2 as hp

    optimizer = hp.HParam("optimizer", hp.Discrete(["adam", "sgd"]))
    units = hp.HParam("num_units", hp.Discrete([16, 32]))
    dropout = hp.HParam("dropout", hp.RealInterval(0.1, 0.2))
    flag = hp.HParam("batch_norm", hp.Discrete([True, False]))
    writer = EventFileWriter(logdir)
    writer.add_event(event_pb2.Event(wall_time=WALL, step=0, summary=hp.hparams_config_pb([optimizer, units, dropout, flag], [hp.Metric("accuracy")])))
    writer.close()
    trials = [
        ("adam", 16, 0.1, True),
        ("sgd", 32, 0.2, False),
        # A value with a decimal expansion and odd characters in a string.
        ("adam <b>&amp;", 16, 1e-05, True),
    ]
    for i, (opt, n, drop, bn) in enumerate(trials):
        trial = EventFileWriter(os.path.join(logdir, f"run-{i}"))
        session = hp.hparams_pb({optimizer: opt, units: n, dropout: drop, flag: bn}, trial_id=f"trial-{i}", start_time_secs=WALL + i)
        trial.add_event(event_pb2.Event(wall_time=WALL + i, step=0, summary=session))
        metadata = summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="scalars"))
        accuracy = scalar_tensor(types_pb2.DT_FLOAT, tensor_content=struct.pack("<f", 0.5 + i / 10))
        trial.add_event(event_pb2.Event(wall_time=WALL + i + 1, step=1, summary=summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="accuracy", tensor=accuracy, metadata=metadata)])))
        trial.close()


def write_tensorboardx_hparams(logdir):
    """PyTorch-style: tensorboardX's add_hparams writes the experiment, the session and the metric into a sub-folder."""
    writer = SummaryWriter(logdir, flush_secs=1)
    writer.add_hparams({"lr": 0.01, "batch_size": 64, "optimizer": "adamw", "amsgrad": False}, {"hparam/accuracy": 0.91}, name="trial", global_step=3)
    writer.close()


def expected_hparams_for(run_dir):
    """The hyperparameters TensorBoard's HParams plugin reads from a run folder's session start, typed as stored."""
    from tensorboard.plugins.hparams import metadata

    acc = plugin_event_accumulator.EventAccumulator(run_dir, size_guidance={"tensors": 0, "scalars": 0})
    acc.Reload()
    if metadata.PLUGIN_NAME not in acc.ActivePlugins():
        return {}, False
    content = acc.PluginTagToContent(metadata.PLUGIN_NAME)
    found = {}
    for tag, data in content.items():
        if tag == metadata.SESSION_START_INFO_TAG:
            info = metadata.parse_session_start_info_plugin_data(data)
            for name, value in info.hparams.items():
                kind = value.WhichOneof("kind")
                found[name] = {"number_value": value.number_value, "string_value": value.string_value, "bool_value": value.bool_value}[kind]
    return found, metadata.EXPERIMENT_TAG in content


def expected_for(run_dir):
    acc = plugin_event_accumulator.EventAccumulator(run_dir, size_guidance={"tensors": 0, "scalars": 0})
    acc.Reload()
    tags = {}
    for tag in sorted(acc.Tags()["tensors"]):
        if acc.SummaryMetadata(tag).plugin_data.plugin_name != "scalars":
            continue
        tags[tag] = [[e.step, e.wall_time, encode_float(float(tensor_util.make_ndarray(e.tensor_proto).item()))] for e in acc.Tensors(tag)]
    return tags


def expected_logs(logs):
    """Per run folder of a log folder: the scalars, the HParams session's values, and the definition-only folders."""
    runs = {}
    hparams = {}
    definitions = []
    for dirpath, _dirnames, filenames in sorted(os.walk(logs)):
        if any(f.startswith("events.out.tfevents.") for f in filenames):
            run = os.path.relpath(dirpath, logs).replace(os.sep, "/")
            runs[run] = expected_for(dirpath)
            values, definition = expected_hparams_for(dirpath)
            if values:
                hparams[run] = values
            if definition and not values and not runs[run]:
                definitions.append(run)
    return {"runs": runs, "hparams": hparams, "definitionOnly": definitions}


def main():
    out_dir = os.path.abspath(sys.argv[1])
    logs = os.path.join(out_dir, "logs")
    write_tensorboardx(os.path.join(logs, "tbx"))
    write_tf2(os.path.join(logs, "tf2"), ".v2", range(0, 60), 0)
    # A second file in the same folder (a resumed run): same tags, later steps.
    write_tf2(os.path.join(logs, "tf2"), ".v2.resumed", range(60, 80), 0)
    # HParams in a log folder of their own (hparams/), so the runs of logs/ stay as they were.
    hparams_logs = os.path.join(out_dir, "hparams")
    write_keras_hparams(os.path.join(hparams_logs, "hparam_tuning"))
    write_tensorboardx_hparams(os.path.join(hparams_logs, "tbx-hparams"))
    expected = expected_logs(logs)
    expected["hparamsLogs"] = expected_logs(hparams_logs)
    with open(os.path.join(out_dir, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, allow_nan=False, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
