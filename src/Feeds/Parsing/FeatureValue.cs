using System.Globalization;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Parsing;

/// <summary>The rule every feature value passes, whatever the format: a finite number no larger in magnitude than the schema's bound.</summary>
internal static class FeatureValue
{
    public static bool TryParse(ReadOnlySpan<char> text, string feature, double maxAbs, out float value, out RejectReason reason, out string detail)
    {
        text = text.Trim().Trim('"');
        value = 0;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed))
        {
            (reason, detail) = (RejectReason.NonNumeric, $"{feature} = '{text.ToString()}' is not a number");
            return false;
        }
        if (!double.IsFinite(parsed))
        {
            (reason, detail) = (RejectReason.NonFinite, $"{feature} = {text.ToString()} is not finite");
            return false;
        }
        if (Math.Abs(parsed) > maxAbs)
        {
            (reason, detail) = (RejectReason.AbsurdMagnitude, $"{feature} = {text.ToString()} exceeds the bound {maxAbs:G}");
            return false;
        }
        value = (float)parsed;
        (reason, detail) = (default, "");
        return true;
    }
}
