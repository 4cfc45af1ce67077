import { inServiceLine } from '../../demo/report';
import { quantile, routeBuckets } from '../../demo/service-latency';

/** The exposition of infra/metrics/request-series.ts: cumulative buckets per status. */
const TEXT = `# HELP flashsale_http_request_duration_seconds HTTP request latency
# TYPE flashsale_http_request_duration_seconds histogram
flashsale_http_request_duration_seconds_bucket{le="0.005",method="POST",route="/v1/orders",status="201"} 10
flashsale_http_request_duration_seconds_bucket{le="0.01",method="POST",route="/v1/orders",status="201"} 50
flashsale_http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/v1/orders",status="201"} 60
flashsale_http_request_duration_seconds_sum{method="POST",route="/v1/orders",status="201"} 0.5
flashsale_http_request_duration_seconds_count{method="POST",route="/v1/orders",status="201"} 60
flashsale_http_request_duration_seconds_bucket{le="0.005",method="POST",route="/v1/orders",status="409"} 30
flashsale_http_request_duration_seconds_bucket{le="0.01",method="POST",route="/v1/orders",status="409"} 40
flashsale_http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/v1/orders",status="409"} 40
flashsale_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/v1/orders",status="200"} 999
flashsale_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/v1/orders",status="200"} 999
`;

describe("the demo's view of the time inside the service", () => {
  it('When the histogram has several statuses, then the route buckets sum them and leave other methods out', () => {
    expect(routeBuckets(TEXT, 'POST', '/v1/orders')).toEqual([
      { le: 0.005, count: 40 },
      { le: 0.01, count: 90 },
      { le: Infinity, count: 100 },
    ]);
    expect(routeBuckets(TEXT, 'POST', '/v1/nothing')).toEqual([]);
  });

  it('When a quantile falls inside a bucket, then it is interpolated linearly within it', () => {
    const buckets = routeBuckets(TEXT, 'POST', '/v1/orders');
    // 40 of 100 at or under 5 ms: the 20th is halfway through the first bucket.
    expect(quantile(buckets, 0.2)?.seconds).toBeCloseTo(0.0025, 10);
    // The 50th is the 10th of the 50 between 5 and 10 ms.
    expect(quantile(buckets, 0.5)).toEqual({ seconds: expect.closeTo(0.006, 10), atLeast: false });
    // The 99th is past the last finite bound: given as that bound, "at least".
    expect(quantile(buckets, 0.99)).toEqual({ seconds: 0.01, atLeast: true });
    expect(quantile([], 0.5)).toBeUndefined();
  });

  it('When the report line is made, then it gives p50, p90 and p99 in ms, or says nothing was recorded', () => {
    expect(inServiceLine(routeBuckets(TEXT, 'POST', '/v1/orders'))).toBe(
      'p50 6.0 ms, p90 10.0 ms, p99 over 10.0 ms (interpolated within buckets)',
    );
    expect(inServiceLine([])).toBe('no purchase recorded');
  });
});
