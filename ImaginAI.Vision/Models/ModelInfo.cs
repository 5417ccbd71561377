namespace ImaginAI.Vision.Models;

/// <summary>
/// What a loaded model is: a short name ("resnet18"), the id stored with every vector (name, layer and a hash of
/// the weights, so vectors of different weights are never compared), the layer read and the output dimension.
/// </summary>
public sealed record ModelInfo(string Name, string Id, string Layer, int Dims, string Profile, string Backend);
