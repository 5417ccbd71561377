using ImaginAI.Tests.Support;
using ImaginAI.Vision.Decoding;
using ImaginAI.Vision.Verification;
using OpenCvSharp;

namespace ImaginAI.Tests.Unit.Vision.Verification;

/// <summary>The managed matcher must keep exactly the matches OpenCV's BFMatcher kept, or decisions would change.</summary>
public class HammingMatcherTests
{
    private static readonly KeypointVerifier Verifier = new();

    [Theory]
    [InlineData("Garden.jpg", "Garden.jpg")]
    [InlineData("Garden.jpg", "Storm.jpg")]
    [InlineData("Wood.jpg", "LadyBird.jpg")]
    public void NearestTwo_RealPhotos_SameNearestAndDistancesAsOpenCvBruteForce(string fileA, string fileB)
    {
        var a = Describe(fileA, crop: 0);
        var b = Describe(fileB, crop: 40);
        var (nearest, best, second) = (new int[a.Count], new int[a.Count], new int[a.Count]);

        HammingMatcher.NearestTwo(a.Descriptors, b.Descriptors, a.DescriptorLength, nearest, best, second);

        using var matcher = new BFMatcher(NormTypes.Hamming);
        using var descriptorsA = a.CreateDescriptorMat();
        using var descriptorsB = b.CreateDescriptorMat();
        var knn = matcher.KnnMatch(descriptorsA, descriptorsB, 2);
        Assert.Equal(knn.Length, a.Count);
        for (var i = 0; i < a.Count; i++)
        {
            Assert.Equal(knn[i][0].Distance, best[i]);
            Assert.Equal(knn[i][1].Distance, second[i]);
            // Which of two equally near neighbours comes first is OpenCV's choice; the ratio test rejects such ties.
            if (best[i] < second[i]) Assert.Equal(knn[i][0].TrainIdx, nearest[i]);
        }
    }

    [Fact]
    public void Read_WhatWriteWrote_VerifiesExactlyAsTheOriginalFeatures()
    {
        var a = Describe("Garden.jpg", crop: 0);
        var b = Describe("Garden.jpg", crop: 60);
        using var file = new MemoryStream();
        b.Write(file);

        var read = PhotoKeypoints.Read(file.ToArray());

        Assert.NotNull(read);
        var expected = Verifier.Verify(a, b);
        var actual = Verifier.Verify(a, read!);
        Assert.True(expected.Inliers >= 15, $"only {expected.Inliers} inliers");
        Assert.Equal((expected.Matches, expected.Inliers), (actual.Matches, actual.Inliers));
        Assert.Equal(expected.Homography, actual.Homography);
    }

    [Fact]
    public void Read_FileCutShort_ReturnsNullSoTheFeaturesAreFoundAgain()
    {
        using var file = new MemoryStream();
        Describe("Storm.jpg", crop: 0).Write(file);

        Assert.Null(PhotoKeypoints.Read(file.ToArray().AsSpan(0, (int)file.Length - 10)));
    }

    private static PhotoKeypoints Describe(string fileName, int crop)
    {
        using var photo = PhotoDecoder.Decode(RealPhotos.Read(fileName), new DecodeOptions { MinShortSide = 768 });
        if (crop == 0) return Verifier.Describe(photo)!;
        using var subset = new SkiaSharp.SKBitmap();
        photo.Bitmap.ExtractSubset(subset, new SkiaSharp.SKRectI(crop, crop, photo.Bitmap.Width - crop / 2, photo.Bitmap.Height - crop / 3));
        using var cropped = new DecodedPhoto(subset.Copy(), photo.Header, photo.Metadata);
        return Verifier.Describe(cropped)!;
    }
}
