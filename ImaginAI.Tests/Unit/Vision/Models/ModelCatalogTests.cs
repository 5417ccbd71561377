using System.Security.Cryptography;
using ImaginAI.Vision;
using ImaginAI.Vision.Models;

namespace ImaginAI.Tests.Unit.Vision.Models;

public class ModelCatalogTests(ResNet18Fixture resNet18) : IClassFixture<ResNet18Fixture>
{
    [Fact]
    public void Create_Vgg16FilesMissing_ThrowsSayingWhatToDownloadAndWhere()
    {
        var empty = Directory.CreateTempSubdirectory("imaginai-models-").FullName;
        try
        {
            var error = Assert.Throws<ModelUnavailableException>(() =>
                VisionEngine.Create(new VisionOptions { Model = "vgg16-fc2", ModelDirectory = empty }));

            Assert.Contains("vgg16-12.onnx", error.Message);
            Assert.Contains(empty, error.Message);
            Assert.Contains("Vision:ModelDirectory", error.Message);
            Assert.Contains("docs/MODELS.md", error.Message);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Fact]
    public void Create_UnknownModelName_ThrowsListingKnownModels()
    {
        var error = Assert.Throws<ModelUnavailableException>(() => VisionEngine.Create(new VisionOptions { Model = "vgg19" }));

        Assert.Contains("resnet18-int8, resnet18", error.Message);
        Assert.Contains("vgg16-fc2", error.Message);
    }

    [Fact]
    public void Create_CustomModelFileMissing_ThrowsNamingTheFileAndTheSetting()
    {
        var options = new VisionOptions
        {
            Model = "site-net",
            ModelDirectory = Path.GetTempPath(),
            Models = { ["site-net"] = new CustomModelOptions { File = "no-such-model.onnx", Profile = "imagenet", Layer = "pool5", Dims = 2048 } },
        };

        var error = Assert.Throws<ModelUnavailableException>(() => VisionEngine.Create(options));

        Assert.Contains("no-such-model.onnx", error.Message);
        Assert.Contains("Vision:Models:site-net:File", error.Message);
    }

    [Fact]
    public void Create_UnknownBackend_ThrowsNamingTheChoices()
    {
        var error = Assert.Throws<ModelUnavailableException>(() => VisionEngine.Create(new VisionOptions { Backend = "tensorflow" }));

        Assert.Contains("onnxruntime, opencv or auto", error.Message);
    }

    [Fact]
    public void Create_ResNet18_LoadsPooledOutputWithWeightsHashInId()
    {
        var model = resNet18.Extractor.Model;
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(ModelCatalog.ResNet18Path)));

        Assert.Equal("resnet18", model.Name);
        Assert.Equal(512, model.Dims);
        Assert.Equal("resnet18", model.Profile);
        Assert.Equal($"resnet18/{model.Layer}/{sha[..12]}", model.Id);
        Assert.Equal("onnxruntime", ImaginAI.Vision.Backends.BackendNames.ResolveAuto(ModelFormat.Onnx));
    }

    [Fact]
    public void Create_DefaultOptions_LoadsInt8ResNet18WithWeightsAndCalibrationHashInId()
    {
        using var extractor = VisionEngine.Create(new VisionOptions { Threads = 1 });
        var model = extractor.Model;
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(ModelCatalog.ResNet18Path)));

        Assert.Equal(ModelCatalog.ResNet18Int8, new VisionOptions().Model);
        Assert.Equal("resnet18-int8", model.Name);
        Assert.Equal(512, model.Dims);
        Assert.Equal("onnxruntime", model.Backend);
        Assert.Equal($"resnet18-int8/Pooling395_Output_0/{sha[..12]}.{Int8Calibration.ResNet18.ShortHash}", model.Id);
        Assert.NotEqual(resNet18.Extractor.Model.Id, model.Id);
    }

    [Fact]
    public void Create_Int8ModelOnOpenCv_ThrowsNamingTheBackendThatRunsIt()
    {
        var error = Assert.Throws<ModelUnavailableException>(() =>
            VisionEngine.Create(new VisionOptions { Model = "resnet18-int8", Backend = "opencv" }));

        Assert.Contains("onnxruntime", error.Message);
        Assert.Contains("Vision:Model to resnet18", error.Message);
    }
}

public class Vgg16Fc2BuiltInTests
{
    [Fact]
    public void Create_Vgg16FileInModelDirectory_ReadsFc2FoundByPresetWith4096Values()
    {
        var directory = Directory.CreateTempSubdirectory("imaginai-vgg16-builtin-").FullName;
        try
        {
            // Narrow convolutions keep the file small; fc1 and fc2 keep VGG16's 4096 width.
            File.WriteAllBytes(Path.Combine(directory, "vgg16.onnx"), Vgg16TopologyModel.Generate(widthDivisor: 16, fullyConnectedWidth: 4096));

            using var extractor = VisionEngine.Create(new VisionOptions { Model = "vgg16-fc2", ModelDirectory = directory, Backend = "auto" });

            Assert.Equal("fc2", extractor.Model.Layer);
            Assert.Equal(4096, extractor.Model.Dims);
            Assert.Equal("vgg16", extractor.Model.Profile);
            Assert.Equal("onnxruntime", extractor.Model.Backend);
            Assert.StartsWith("vgg16-fc2/fc2/", extractor.Model.Id);
            var vector = extractor.Extract(File.ReadAllBytes(ImaginAI.Tests.Support.RealPhotos.Scenes[0]));
            Assert.Equal(4096, vector.Dims);
            Assert.Equal(1f, MathF.Sqrt(vector.Values.Sum(v => v * v)), 4);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
