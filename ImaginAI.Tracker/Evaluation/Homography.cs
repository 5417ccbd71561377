using SkiaSharp;

namespace ImaginAI.Tracker.Evaluation;

/// <summary>The projective transform taking four points onto four others (for the perspective revisits).</summary>
internal static class Homography
{
    public static SKMatrix FromCorrespondences(IReadOnlyList<SKPoint> from, IReadOnlyList<SKPoint> to)
    {
        // Solve the 8 unknowns h0..h7 (h8 = 1) of x' = (h0 x + h1 y + h2) / (h6 x + h7 y + 1), y' likewise.
        var a = new double[8, 9];
        for (var i = 0; i < 4; i++)
        {
            double x = from[i].X, y = from[i].Y, u = to[i].X, v = to[i].Y;
            double[] rowU = [x, y, 1, 0, 0, 0, -u * x, -u * y, u];
            double[] rowV = [0, 0, 0, x, y, 1, -v * x, -v * y, v];
            for (var c = 0; c < 9; c++) { a[2 * i, c] = rowU[c]; a[2 * i + 1, c] = rowV[c]; }
        }
        for (var col = 0; col < 8; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < 8; r++) if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
            for (var c = 0; c < 9; c++) (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
            for (var r = 0; r < 8; r++)
            {
                if (r == col) continue;
                var factor = a[r, col] / a[col, col];
                for (var c = col; c < 9; c++) a[r, c] -= factor * a[col, c];
            }
        }
        var h = new float[9];
        for (var i = 0; i < 8; i++) h[i] = (float)(a[i, 8] / a[i, i]);
        h[8] = 1;
        return new SKMatrix(h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8]);
    }
}
