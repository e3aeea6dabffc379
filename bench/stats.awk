# Summarises one column of numbers (microseconds) given as COL (default 1) into milliseconds:
#   n median p10 p90 min max stddev
# usage: awk -v COL=1 -f stats.awk FILE
function pct(p,   r) { r = int(p / 100 * n + 0.999999); if (r < 1) r = 1; if (r > n) r = n; return v[r] }
{ x = $(COL ? COL : 1); if (x != "") { n++; v[n] = x + 0; s += x; ss += x * x } }
END {
    if (n == 0) { print "0 - - - - - -"; exit }
    # insertion sort: n is small (tens of runs)
    for (i = 2; i <= n; i++) { t = v[i]; j = i - 1; while (j > 0 && v[j] > t) { v[j + 1] = v[j]; j-- } v[j + 1] = t }
    mean = s / n; var = ss / n - mean * mean; if (var < 0) var = 0
    printf "%d %.1f %.1f %.1f %.1f %.1f %.1f\n", n, pct(50) / 1000, pct(10) / 1000, pct(90) / 1000, v[1] / 1000, v[n] / 1000, sqrt(var) / 1000
}
