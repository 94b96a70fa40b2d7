-- 95% Wilson score interval for a share k/n (indicators.md §2: every share is published with it).
-- Wilson rather than the normal approximation because it stays inside 0–1 and behaves for small n
-- and for shares near 0 or 1, which is where small gemeenten and providers live.
-- z = 1.959963984540054, the 97.5% quantile of the standard normal distribution.
-- Null when n is 0 or null (no share, no interval); clamped to 0–1 against rounding.
create or replace macro wilson_laag(k, n) as
  case when n > 0 then greatest(0.0,
    ((k / n) + 1.959963984540054 ^ 2 / (2 * n)
      - 1.959963984540054 * sqrt((k / n) * (1 - k / n) / n + 1.959963984540054 ^ 2 / (4 * n ^ 2)))
    / (1 + 1.959963984540054 ^ 2 / n))
  end;

create or replace macro wilson_hoog(k, n) as
  case when n > 0 then least(1.0,
    ((k / n) + 1.959963984540054 ^ 2 / (2 * n)
      + 1.959963984540054 * sqrt((k / n) * (1 - k / n) / n + 1.959963984540054 ^ 2 / (4 * n ^ 2)))
    / (1 + 1.959963984540054 ^ 2 / n))
  end;
