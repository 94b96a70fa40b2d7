-- Pointwise 95% band of a Kaplan–Meier survival S(t) on the log-log scale (Kalbfleisch & Prentice):
-- log(-log S) ± z·sd, with sd² = Greenwood's sum Σ d/(n(n−d)) divided by (log S)². The band of the plain
-- scale (S ± z·S·√sum) can leave 0–1 and is too narrow in the tails; this one cannot and is not.
-- s = S(t), som = Greenwood's sum up to t. Before the first event (S = 1) and after the last (S = 0) the
-- band is the point itself. z = 1.959963984540054, as for the Wilson interval.
create or replace macro km_loglog_laag(s, som) as
  case
    when s >= 1 then 1.0
    when s <= 0 then 0.0
    else s ^ exp(1.959963984540054 * sqrt(som) / abs(ln(s)))
  end;

create or replace macro km_loglog_hoog(s, som) as
  case
    when s >= 1 then 1.0
    when s <= 0 then 0.0
    else s ^ exp(-1.959963984540054 * sqrt(som) / abs(ln(s)))
  end;
