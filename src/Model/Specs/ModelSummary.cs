using System.Globalization;
using System.Text;

namespace RnnStream.Model.Specs;

/// <summary>A Keras-like table of a spec's layers, their output shapes and parameter counts.</summary>
public static class ModelSummary
{
    public static string Render(ModelSpec spec)
    {
        var rows = new List<(string Layer, string Shape, int Params)>();
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            string type = layer.Cell == CellType.SimpleRnn && layer.Activation != Activation.Tanh
                ? $"{layer.KerasTypeName}, {layer.Activation.ToString().ToLowerInvariant()}"
                : layer.KerasTypeName;
            rows.Add(($"{spec.LayerName(i)} ({type})", $"(None, None, {layer.Units})", layer.ParameterCount(spec.LayerInputs(i))));
        }
        string headNote = spec.Head == OutputHead.Gaussian ? $"Dense, mean+variance × {spec.OutputUnits}" : "Dense";
        rows.Add(($"dense ({headNote})", $"(None, None, {spec.HeadWidth})", spec.HeadWidth * (spec.TopUnits + 1)));

        int total = rows.Sum(r => r.Params);
        int layerWidth = Math.Max(28, rows.Max(r => r.Layer.Length) + 2);
        int shapeWidth = Math.Max(22, rows.Max(r => r.Shape.Length) + 2);
        int lineWidth = layerWidth + shapeWidth + 12;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Model: \"rnnstream\"  (inputs {spec.InputFeatures}, horizon {spec.Horizon}, head {spec.Head.ToString().ToLowerInvariant()})");
        text.AppendLine(new string('─', lineWidth));
        text.AppendLine("Layer (type)".PadRight(layerWidth) + "Output Shape".PadRight(shapeWidth) + "Param #".PadLeft(12));
        text.AppendLine(new string('═', lineWidth));
        foreach (var (layer, shape, count) in rows)
            text.AppendLine(layer.PadRight(layerWidth) + shape.PadRight(shapeWidth) + count.ToString("N0", CultureInfo.InvariantCulture).PadLeft(12));
        text.AppendLine(new string('═', lineWidth));
        text.AppendLine(CultureInfo.InvariantCulture, $"Total params: {total:N0}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Trainable params: {total:N0}");
        text.AppendLine("Non-trainable params: 0");
        return text.ToString();
    }
}
