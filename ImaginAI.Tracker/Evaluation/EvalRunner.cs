using System.Diagnostics;
using ImaginAI.Tracker.Matching;
using ImaginAI.Vision;
using ImaginAI.Vision.Decoding;
using ImaginAI.Vision.Verification;

namespace ImaginAI.Tracker.Evaluation;

/// <summary>How an evaluation runs: which decision settings to report and how many candidates to verify.</summary>
public sealed record EvalRunOptions
{
    public MatchRuleSettings Rule { get; init; } = new();

    /// <summary>Milestones, best CNN score first, whose best reference is verified against each query.</summary>
    public int VerifiedCandidates { get; init; } = 3;

    /// <summary>False runs the CNN-only decision (as on a machine without libgtk-3-0).</summary>
    public bool Verify { get; init; } = true;

    /// <summary>When above 0, CNN vectors are PCA-whitened to this many dimensions, learned from all the set's photos
    /// (labels unused: a project's own photos).</summary>
    public int WhitenDims { get; init; }

    /// <summary>How many of a milestone's best reference photos (by CNN score) each verified candidate is checked against.</summary>
    public int ReferencesPerMilestone { get; init; } = 2;

    /// <summary>Where keypoints stop being evidence (the tracker's default unless measured otherwise).</summary>
    public EvidenceLine Line { get; init; } = new(0, 0);

    /// <summary>A folder where vectors and keypoints are kept between runs (keyed by file, model and settings), or null.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Multi-crop: each gallery photo also gets the vectors of its four corner and centre crops (2/3 of
    /// each side), and a query's score for it is the best over them, so a revisit that shows part of the reference
    /// meets a vector of just that part.</summary>
    public bool GalleryCrops { get; init; }

    /// <summary>Regional CNN scores: every photo also gets the vectors of its four corner and centre crops (2/3 of each
    /// side), and a milestone's score is the best of the global cosine and the cosines of same-position crops, so a
    /// revisit with one part hidden is compared on the parts that are not.</summary>
    public bool Regional { get; init; }
}

/// <summary>
/// Runs a labelled set through the real pipeline (decode, embed, optionally describe and verify) once, then scores
/// retrieval and several decision rules on the recorded evidence.
/// </summary>
public sealed class EvalRunner(IFeatureExtractor extractor, KeypointVerifier verifier, TextWriter progress)
{
    private sealed record Prepared(float[] Vector, PhotoKeypoints? Keypoints, float[][] CropVectors, float[]? FilledVector = null,
        PhotoLayout? Layout = null, PhotoLayout? FilledLayout = null);

    public EvalReport Run(EvalSet set, EvalRunOptions options)
    {
        var verify = options.Verify && KeypointVerifier.IsAvailable;
        var timing = new Stopwatch[3].Select(_ => new Stopwatch()).ToArray(); // decode, embed, describe
        var all = set.Gallery.Concat(set.Queries).ToList();
        var prepared = new Prepared[all.Count];
        var cache = options.CacheDirectory is null ? null : new EvalCache(options.CacheDirectory, extractor.Model.Id, verifier.Options);
        var computed = 0;
        var (filledTime, filledCount) = (new Stopwatch(), 0);
        var (layoutTime, layoutCount, agreementTime, agreements) = (new Stopwatch(), 0, new Stopwatch(), 0);
        for (var i = 0; i < all.Count; i++)
        {
            var wantCrops = (options.GalleryCrops && i < set.Gallery.Count) || options.Regional;
            var vector = wantCrops ? null : cache?.ReadVector(all[i].Path);
            var keypoints = verify ? cache?.ReadKeypoints(all[i].Path) : null;
            if (vector is null || (verify && keypoints is null))
            {
                computed++;
                timing[0].Start();
                using var photo = PhotoDecoder.Decode(File.ReadAllBytes(all[i].Path));
                timing[0].Stop();
                timing[1].Start();
                vector = extractor.Extract(photo).Values;
                var crops = wantCrops ? CropVectors(photo) : [];
                timing[1].Stop();
                timing[2].Start();
                keypoints = verify ? keypoints ?? verifier.Describe(photo) : null;
                timing[2].Stop();
                cache?.Write(all[i].Path, vector, keypoints);
                prepared[i] = new Prepared(vector, keypoints, crops);
            }
            else prepared[i] = new Prepared(vector, keypoints, []);
            // As the matching job measures it: a small decode of the stored photo, cached or not.
            layoutTime.Start();
            using (var small = PhotoDecoder.Decode(File.ReadAllBytes(all[i].Path), new DecodeOptions { MinShortSide = PhotoLayout.WorkingSide }))
                prepared[i] = prepared[i] with { Layout = PhotoLayout.Of(small) };
            layoutTime.Stop();
            layoutCount++;
            // Every query whose keypoints bunch gets the vector of its painted-over copy, decoded as the tracker's
            // PhotoVerifier decodes a stored photo, so that rules with and without it can be scored on one run.
            if (i >= set.Gallery.Count && prepared[i].Keypoints is { } described
                && BusyRegionFill.BusyCells(described, verifier.Options) is { } busy)
            {
                filledTime.Start();
                using var photo = PhotoDecoder.Decode(File.ReadAllBytes(all[i].Path), new DecodeOptions { MinShortSide = BusyRegionFill.WorkingSide });
                using var filled = BusyRegionFill.Fill(photo, busy);
                prepared[i] = prepared[i] with { FilledVector = extractor.Extract(filled).Values, FilledLayout = PhotoLayout.Of(filled) };
                filledTime.Stop();
                filledCount++;
            }
            if ((i + 1) % 50 == 0 || i + 1 == all.Count) progress.WriteLine($"  prepared {i + 1}/{all.Count} photos ({computed} computed, the rest from the cache)");
        }

        if (options.WhitenDims > 0)
        {
            var whitening = PcaWhitening.Learn(prepared.Select(p => p.Vector).ToList(), options.WhitenDims);
            progress.WriteLine($"  PCA-whitened to {whitening.Dims} dimensions, learned from {prepared.Length} photos");
            for (var i = 0; i < prepared.Length; i++)
                prepared[i] = prepared[i] with
                {
                    Vector = whitening.Apply(prepared[i].Vector),
                    CropVectors = prepared[i].CropVectors.Select(whitening.Apply).ToArray(),
                };
        }
        var gallery = prepared.Take(set.Gallery.Count).ToArray();
        var verifyTime = new Stopwatch();
        var verifications = 0;
        var evidence = new List<QueryEvidence>(set.Queries.Count);
        for (var q = 0; q < set.Queries.Count; q++)
        {
            var query = prepared[set.Gallery.Count + q];
            var scores = options.Regional
                ? gallery.Select(g => g.CropVectors.Select((c, r) => Dot(query.CropVectors[r], c)).Append(Dot(query.Vector, g.Vector)).Max()).ToArray()
                : gallery.Select(g => g.CropVectors.Select(c => Dot(query.Vector, c)).Append(Dot(query.Vector, g.Vector)).Max()).ToArray();
            var ranked = Enumerable.Range(0, gallery.Length).OrderByDescending(i => scores[i]).ToList();
            var groups = ranked.GroupBy(i => set.Gallery[i].Scene).ToList(); // groups keep rank order: best reference first
            // Layout agreement with a milestone's best references, as the matching job measures it (only the chosen
            // milestone's is ever needed; the verified candidates' and the copy's are recorded so any rule can be scored).
            float Agreement(PhotoLayout? layout, IEnumerable<int> references)
            {
                if (layout is null) return 1f;
                agreementTime.Start();
                var best = references.Take(Math.Max(1, options.ReferencesPerMilestone)).Max(r => { agreements++; return layout.AgreementWith(gallery[r].Layout!); });
                agreementTime.Stop();
                return best;
            }
            var milestones = groups.Select((g, m) => new MilestoneEvidence(g.Key, scores[g.First()], g.First(), null,
                FilledScore: query.FilledVector is { } filledVector ? g.Max(r => Dot(filledVector, gallery[r].Vector)) : null,
                Layout: m < options.VerifiedCandidates ? Agreement(query.Layout, g) : null,
                FilledLayout: query.FilledLayout is null ? null
                    : Agreement(query.FilledLayout, g.OrderByDescending(r => Dot(query.FilledVector!, gallery[r].Vector))))).ToList();
            for (var m = 0; verify && m < Math.Min(options.VerifiedCandidates, milestones.Count); m++)
            {
                var checks = new List<ReferenceCheck>();
                foreach (var reference in groups[m].Take(Math.Max(1, options.ReferencesPerMilestone)))
                {
                    verifyTime.Start();
                    var result = verifier.Verify(query.Keypoints!, gallery[reference].Keypoints!);
                    verifyTime.Stop();
                    verifications++;
                    checks.Add(new ReferenceCheck(reference, result.Inliers, result.Matches, result.ClusteredInliers,
                        result.KeypointsB, result.CoverageB, result.FirstPassInliers, result.FirstPassClusteredInliers, result.SpreadPass));
                }
                milestones[m] = milestones[m] with { Inliers = checks.Max(c => c.Inliers), Checks = checks };
            }
            var queryImage = set.Queries[q];
            evidence.Add(new QueryEvidence(queryImage.Path, queryImage.Scene, set.GalleryScenes.Contains(queryImage.Scene),
                queryImage.Transform, ranked.Select(i => set.Gallery[i].Scene).ToList(), milestones,
                query.Keypoints?.Count ?? 0, query.Keypoints?.Coverage ?? 0));
        }

        var photos = Math.Max(1, computed);
        var timingReport = new EvalTiming(
            computed,
            timing[0].Elapsed.TotalMilliseconds / photos,
            timing[1].Elapsed.TotalMilliseconds / photos,
            timing[2].Elapsed.TotalMilliseconds / photos,
            verifications == 0 ? 0 : verifyTime.Elapsed.TotalMilliseconds / verifications,
            timing.Sum(t => t.Elapsed.TotalMilliseconds) / photos + (verifications == 0 ? 0 : verifyTime.Elapsed.TotalMilliseconds / set.Queries.Count),
            filledCount, filledCount == 0 ? 0 : filledTime.Elapsed.TotalMilliseconds / filledCount,
            layoutCount, layoutCount == 0 ? 0 : layoutTime.Elapsed.TotalMilliseconds / layoutCount,
            agreements == 0 ? 0 : agreementTime.Elapsed.TotalMilliseconds / agreements);
        return EvalReport.Build(set, extractor.Model.Id, verify, verify ? null : KeypointVerifier.UnavailableReason ?? "disabled with --no-verify",
                                evidence, options, timingReport);
    }

    private float[][] CropVectors(DecodedPhoto photo)
    {
        var (width, height) = (photo.Bitmap.Width, photo.Bitmap.Height);
        var (cropWidth, cropHeight) = (width * 2 / 3, height * 2 / 3);
        (int X, int Y)[] corners = [(0, 0), (width - cropWidth, 0), (0, height - cropHeight), (width - cropWidth, height - cropHeight),
                                    ((width - cropWidth) / 2, (height - cropHeight) / 2)];
        var crops = new List<DecodedPhoto>();
        try
        {
            foreach (var (x, y) in corners)
            {
                var subset = new SkiaSharp.SKBitmap();
                if (!photo.Bitmap.ExtractSubset(subset, SkiaSharp.SKRectI.Create(x, y, cropWidth, cropHeight)))
                    throw new InvalidOperationException("Could not crop the gallery photo.");
                crops.Add(new DecodedPhoto(subset, photo.Header, photo.Metadata));
            }
            return extractor.ExtractBatch(crops).Select(v => v.Values).ToArray();
        }
        finally
        {
            foreach (var crop in crops) crop.Dispose();
        }
    }

    private static float Dot(float[] a, float[] b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);
}
