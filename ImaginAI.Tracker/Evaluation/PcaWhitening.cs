using MathNet.Numerics.LinearAlgebra;

namespace ImaginAI.Tracker.Evaluation;

/// <summary>
/// PCA-whitening learned from a project's own (unlabelled) photos, as in Jégou and Chum (2012): centre, rotate onto
/// the principal axes, keep the strongest <c>dims</c>, divide each by the square root of its variance (plus a
/// shrinkage so that near-zero directions are not blown up), then L2-normalise again.
/// </summary>
public sealed class PcaWhitening
{
    private readonly Vector<double> mean;
    private readonly Matrix<double> projection;

    private PcaWhitening(Vector<double> mean, Matrix<double> projection)
    {
        this.mean = mean;
        this.projection = projection;
    }

    public int Dims => projection.RowCount;

    /// <param name="vectors">The photos' unit vectors.</param>
    /// <param name="dims">Components kept (at most one less than the number of photos).</param>
    /// <param name="shrinkage">Added to every eigenvalue, as a share of the mean eigenvalue.</param>
    public static PcaWhitening Learn(IReadOnlyList<float[]> vectors, int dims, double shrinkage = 0.1)
    {
        var data = Matrix<double>.Build.DenseOfRows(vectors.Select(v => v.Select(x => (double)x)));
        var mean = data.ColumnSums() / data.RowCount;
        var centred = data - Matrix<double>.Build.DenseOfRows(Enumerable.Repeat(mean, data.RowCount));
        var covariance = centred.TransposeThisAndMultiply(centred) / Math.Max(1, data.RowCount - 1);
        var eigen = covariance.Evd(Symmetricity.Symmetric);
        var values = eigen.EigenValues.Real();
        var order = Enumerable.Range(0, values.Count).OrderByDescending(i => values[i]).ToList();
        dims = Math.Clamp(dims, 1, Math.Min(order.Count, Math.Max(1, data.RowCount - 1)));
        var epsilon = shrinkage * values.Average();
        var projection = Matrix<double>.Build.Dense(dims, covariance.ColumnCount);
        for (var r = 0; r < dims; r++)
            projection.SetRow(r, eigen.EigenVectors.Column(order[r]) / Math.Sqrt(Math.Max(0, values[order[r]]) + epsilon));
        return new PcaWhitening(mean, projection);
    }

    public float[] Apply(float[] vector)
    {
        var whitened = projection * (Vector<double>.Build.DenseOfEnumerable(vector.Select(x => (double)x)) - mean);
        var norm = whitened.L2Norm();
        return whitened.Select(x => (float)(norm > 0 ? x / norm : 0)).ToArray();
    }
}
