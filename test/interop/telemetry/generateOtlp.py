"""Writes OTLP JSON files with the real OpenTelemetry Python SDK and its OTLP JSON file exporters, and what was sent.

Usage: python generateOtlp.py <out-dir>
  <out-dir>/traces.jsonl          spans of an HTTP model server, two versions in an A/B split, written by
                                  FileSpanExporter (opentelemetry-exporter-otlp-json-file): JSON lines, one
                                  ExportTraceServiceRequest a line, as the file exporter specification says
  <out-dir>/traces-single.json    one ExportTraceServiceRequest, indented, encoded by the same package's
                                  encode_spans (a third service whose spans name no model: service.name and
                                  service.version say it)
  <out-dir>/metrics.jsonl         http.server.request.duration histograms (cumulative temporality, the SDK's
                                  default), written by FileMetricExporter at two collections
  <out-dir>/metrics-delta.jsonl   the same measurements with delta temporality
  <out-dir>/metrics-exponential.jsonl
                                  the same measurements in base-2 exponential bucket histograms (a view with
                                  ExponentialBucketHistogramAggregation, cumulative temporality)
  <out-dir>/expected.json         every request as the generator made it (time, latency, model, version, caller,
                                  error) and the histogram figures computed from the raw latencies

The server spans follow the HTTP semantic conventions (http.request.method, http.route, http.response.status_code,
url.scheme, error.type on failures, span status ERROR on 5xx and on exceptions), carry model.name and model.version
attributes, and name the caller by enduser.id, client.address or user_agent.original. Each request also has an
INTERNAL child span (the prediction) and a CLIENT span (a feature store call) that a reader must not count.

Everything is deterministic: span times are given, ids come from a seeded generator, and the metrics SDK's clock is
replaced by the generator's. The copy the unit tests read (test/fixtures/telemetry/otlp) was made by running this
script into that folder; the interop test regenerates it and compares byte for byte.
"""

import json
import random
import sys
from datetime import datetime, timezone
from pathlib import Path

from opentelemetry.exporter.otlp.json.common.trace_encoder import encode_spans
from opentelemetry.exporter.otlp.json.file.metric_exporter import FileMetricExporter
from opentelemetry.exporter.otlp.json.file.trace_exporter import FileSpanExporter
from opentelemetry.sdk.metrics import Histogram, MeterProvider
from opentelemetry.sdk.metrics.export import AggregationTemporality, PeriodicExportingMetricReader
from opentelemetry.sdk.metrics.view import ExponentialBucketHistogramAggregation, View
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.trace import SpanKind, Status, StatusCode, set_span_in_context

T0_NS = int(datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc).timestamp()) * 1_000_000_000
MINUTE_NS = 60 * 1_000_000_000
# The bucket boundaries the HTTP semantic conventions advise for http.server.request.duration (seconds).
BOUNDARIES = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]

VERSIONS = [
    # service.version, model.version, latency range in microseconds (v2 is the regressed one)
    ("1.4.0", "v1", (18_000, 64_000)),
    ("1.5.0", "v2", (70_000, 240_000)),
]
REQUESTS_PER_VERSION = 120
# Buckets of the exponential histograms (the SDK's default is 160): fewer, so the SDK lowers the scale as it goes.
EXPONENTIAL_MAX_SIZE = 40


class SeededIds(IdGenerator):
    def __init__(self, seed):
        self._random = random.Random(seed)

    def generate_span_id(self):
        return self._random.getrandbits(64) or 1

    def generate_trace_id(self):
        return self._random.getrandbits(128) or 1


class Clock:
    """Stands in for time.time_ns inside the metrics SDK (measurement and collection times)."""

    now = T0_NS

    @classmethod
    def install(cls):
        for name, module in list(sys.modules.items()):
            if name.startswith("opentelemetry.sdk.metrics") and hasattr(module, "time_ns"):
                module.time_ns = lambda: cls.now


class Collect(SpanExporter):
    """Keeps spans to encode them as one document."""

    def __init__(self):
        self.spans = []

    def export(self, spans):
        self.spans.extend(spans)
        return SpanExportResult.SUCCESS


def resource(service, version, instance):
    return Resource.create(
        {
            "service.name": service,
            "service.version": version,
            "service.instance.id": instance,
            "deployment.environment.name": "production",
        }
    )


def caller_attributes(rng):
    """One of three callers, each named the way its kind of client is: an end user id, an address, a user agent."""
    kind = rng.choice(["billing", "billing", "address", "agent"])
    if kind == "billing":
        # enduser.id wins over the address the request came from.
        return "billing-svc", {"enduser.id": "billing-svc", "client.address": "10.0.0.12"}
    if kind == "address":
        return "10.0.0.7", {"client.address": "10.0.0.7"}
    return "batch-scorer/2.1", {"user_agent.original": "batch-scorer/2.1"}


def outcome(rng, caller):
    """HTTP status (None: no response was sent), error.type, span status error, and whether it failed."""
    draw = rng.random()
    if caller == "10.0.0.7" and draw < 0.3:
        return 500, "500", True
    if draw < 0.03:
        return None, "ValueError", True  # an exception before any response: status ERROR, no status code
    if draw < 0.06:
        return 503, None, False  # a 5xx whose span status was left unset: still a failure
    if draw < 0.12:
        return 404, None, False  # a client error is not a server failure
    return 200, None, False


def main(out):
    out.mkdir(parents=True, exist_ok=True)
    for name in [
        "traces.jsonl",
        "metrics.jsonl",
        "metrics-delta.jsonl",
        "metrics-exponential.jsonl",
        "traces-single.json",
        "expected.json",
    ]:
        (out / name).unlink(missing_ok=True)
    Clock.install()
    rng = random.Random(16)

    tracers, histograms, meter_providers, tracer_providers = {}, {}, [], []
    for i, (service_version, model_version, _) in enumerate(VERSIONS):
        res = resource("churn-model-server", service_version, f"churn-{model_version}-0")
        provider = TracerProvider(resource=res, id_generator=SeededIds(100 + i))
        # One line per 20 requests (60 spans) of a version, flushed by the generator: the batch is never full and
        # the timer never fires, so the order of the lines does not depend on the exporter's thread.
        provider.add_span_processor(
            BatchSpanProcessor(
                FileSpanExporter(out / "traces.jsonl"),
                max_export_batch_size=512,
                schedule_delay_millis=3_600_000,
            )
        )
        tracer_providers.append(provider)
        tracers[model_version] = provider.get_tracer("model-server", "0.3.0")
        histograms[model_version] = []
        for file, temporality, views in [
            ("metrics.jsonl", AggregationTemporality.CUMULATIVE, []),
            ("metrics-delta.jsonl", AggregationTemporality.DELTA, []),
            (
                "metrics-exponential.jsonl",
                AggregationTemporality.CUMULATIVE,
                [
                    View(
                        instrument_name="http.server.request.duration",
                        aggregation=ExponentialBucketHistogramAggregation(max_size=EXPONENTIAL_MAX_SIZE),
                    )
                ],
            ),
        ]:
            exporter = FileMetricExporter(out / file, preferred_temporality={Histogram: temporality})
            reader = PeriodicExportingMetricReader(exporter, export_interval_millis=float("inf"))
            meters = MeterProvider(resource=res, metric_readers=[reader], views=views)
            meter_providers.append(meters)
            histograms[model_version].append(
                meters.get_meter("model-server", "0.3.0").create_histogram(
                    "http.server.request.duration",
                    unit="s",
                    description="Duration of HTTP server requests.",
                    explicit_bucket_boundaries_advisory=BOUNDARIES,
                )
            )

    # The requests: both versions interleaved over ten minutes.
    requests = []
    for _, model_version, (low, high) in VERSIONS:
        for n in range(REQUESTS_PER_VERSION):
            start_us = n * 5_000_000 + rng.randrange(0, 4_000_000)
            latency_us = rng.randrange(low, high)
            requests.append((start_us, latency_us, model_version))
    requests.sort()

    expected_requests = []
    served = {v: 0 for _, v, _ in VERSIONS}
    collections = [5, 10]  # minutes after T0 at which the metrics are collected
    metric_points = []
    for start_us, latency_us, model_version in requests:
        while collections and start_us * 1000 >= collections[0] * MINUTE_NS:
            metric_points.append(collect(meter_providers, collections.pop(0)))
        caller, caller_attrs = caller_attributes(rng)
        status, error_type, span_error = outcome(rng, caller)
        failed = span_error or (status is not None and status >= 500)
        start_ns = T0_NS + start_us * 1000
        end_ns = start_ns + latency_us * 1000
        attributes = {
            "http.request.method": "POST",
            "http.route": "/predict",
            "url.scheme": "http",
            "url.path": "/predict",
            "server.address": "churn.internal",
            "model.name": "churn",
            "model.version": model_version,
            **caller_attrs,
        }
        if status is not None:
            attributes["http.response.status_code"] = status
        if error_type is not None:
            attributes["error.type"] = error_type
        tracer = tracers[model_version]
        server = tracer.start_span("POST /predict", kind=SpanKind.SERVER, start_time=start_ns, attributes=attributes)
        context = set_span_in_context(server)
        lookup = tracer.start_span(
            "GET features",
            kind=SpanKind.CLIENT,
            context=context,
            start_time=start_ns + 1_000_000,
            attributes={"http.request.method": "GET", "http.response.status_code": 200, "server.address": "fs"},
        )
        lookup.end(end_time=start_ns + 4_000_000)
        predict = tracer.start_span(
            "predict", kind=SpanKind.INTERNAL, context=context, start_time=start_ns + 5_000_000
        )
        if span_error and status is None:
            predict.set_status(Status(StatusCode.ERROR, "ValueError: input has 3 features, expected 4"))
            predict.record_exception(ValueError("input has 3 features, expected 4"), timestamp=end_ns - 1000)
        predict.end(end_time=end_ns - 1000)
        if span_error:
            server.set_status(Status(StatusCode.ERROR, "ValueError" if status is None else "Internal Server Error"))
        server.end(end_time=end_ns)
        served[model_version] += 1
        if served[model_version] % 20 == 0:
            tracer_providers[[v for _, v, _ in VERSIONS].index(model_version)].force_flush()
        # The metric is recorded at the end of the request, with the attributes the conventions name for it.
        Clock.now = end_ns
        metric_attributes = {
            "http.request.method": "POST",
            "http.route": "/predict",
            "url.scheme": "http",
            "model.name": "churn",
            "model.version": model_version,
        }
        if status is not None:
            metric_attributes["http.response.status_code"] = status
        if error_type is not None:
            metric_attributes["error.type"] = error_type
        for histogram in histograms[model_version]:
            histogram.record(latency_us / 1_000_000, metric_attributes)
        expected_requests.append(
            {
                "timeMs": start_ns // 1_000_000,
                "latencyMs": latency_us / 1000,
                "model": "churn",
                "version": model_version,
                "caller": caller,
                "error": failed,
                "status": status,
                "collection": len(metric_points),
            }
        )
    for minute in collections:
        metric_points.append(collect(meter_providers, minute))
    for provider in tracer_providers:
        provider.shutdown()
    for meters in meter_providers:
        meters.shutdown()

    # A third service, one document: no model attributes (service.name and service.version name it), a caller by
    # user agent only, and one request whose handler raised.
    collect_spans = Collect()
    single = TracerProvider(
        resource=resource("fraud-model-server", "2.0.0", "fraud-0"), id_generator=SeededIds(200)
    )
    single.add_span_processor(SimpleSpanProcessor(collect_spans))
    tracer = single.get_tracer("model-server", "0.3.0")
    single_requests = []
    for n in range(10):
        start_ns = T0_NS + n * 30 * 1_000_000_000 + 250_000_000
        latency_us = 12_000 + 1_500 * n
        failed = n == 7
        attrs = {
            "http.request.method": "POST",
            "http.route": "/score",
            "http.response.status_code": 500 if failed else 200,
            "user_agent.original": "curl/8.5.0",
        }
        span = tracer.start_span("POST /score", kind=SpanKind.SERVER, start_time=start_ns, attributes=attrs)
        if failed:
            span.set_status(Status(StatusCode.ERROR, "Internal Server Error"))
        span.end(end_time=start_ns + latency_us * 1000)
        single_requests.append(
            {
                "timeMs": start_ns // 1_000_000,
                "latencyMs": latency_us / 1000,
                "model": "fraud-model-server",
                "version": "2.0.0",
                "caller": "curl/8.5.0",
                "error": failed,
                "status": 500 if failed else 200,
            }
        )
    single.shutdown()
    document = encode_spans(collect_spans.spans).to_dict()
    (out / "traces-single.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")

    expected = {
        "sdk": {"opentelemetry-sdk": version_of("opentelemetry-sdk"), "file exporter": version_of("opentelemetry-exporter-otlp-json-file")},
        "boundariesSeconds": BOUNDARIES,
        "collectionsMs": [p["timeMs"] for p in metric_points],
        "traces": expected_requests,
        "single": single_requests,
        "histograms": histogram_figures(expected_requests, len(metric_points)),
    }
    (out / "expected.json").write_text(json.dumps(expected, indent=1) + "\n", encoding="utf-8")


def collect(meter_providers, minute):
    Clock.now = T0_NS + minute * MINUTE_NS
    for meters in meter_providers:
        meters.force_flush()
    return {"timeMs": Clock.now // 1_000_000}


def histogram_figures(requests, collections):
    """Per version and collection: requests, failures (a 5xx or an error.type) and bucket counts, from the raw data."""
    figures = {}
    for _, model_version, _ in VERSIONS:
        per = []
        for c in range(collections):
            mine = [r for r in requests if r["version"] == model_version and r["collection"] == c]
            buckets = [0] * (len(BOUNDARIES) + 1)
            for r in mine:
                seconds = r["latencyMs"] / 1000
                buckets[next((i for i, b in enumerate(BOUNDARIES) if seconds <= b), len(BOUNDARIES))] += 1
            per.append(
                {
                    "requests": len(mine),
                    "errors": sum(1 for r in mine if r["error"]),
                    "buckets": buckets,
                    "latenciesMs": sorted(r["latencyMs"] for r in mine),
                }
            )
        figures[model_version] = per
    return figures


def version_of(package):
    from importlib.metadata import version

    return version(package)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
