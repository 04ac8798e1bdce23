using System.Numerics;

namespace RnnStream.Feeds.Sinks;

/// <summary>
/// A float as the shortest text that reads back as the same float, character for character what
/// <c>float.ToString("R", CultureInfo.InvariantCulture)</c> writes, in a fraction of its time:
/// writing three of them per prediction was the largest cost of CSV output (docs/RESULTS.md).
/// The digits are found with the method of Ulf Adams, "Ryū: fast float-to-string conversion"
/// (PLDI 2018): the float and the bounds of the interval that rounds to it are scaled to decimal
/// with 64-bit multipliers of powers of 5, then digits are dropped while the interval still holds
/// a shorter number. The layout is .NET's: plain digits from 1E-04 up to below 1E+09, otherwise
/// one digit, the others after a point, and an exponent of at least two digits. Compared with .NET
/// on all 2³² floats once; <c>FloatTextTests</c> keeps the edges and millions of random ones.
/// </summary>
public static class FloatText
{
    /// <summary>Room enough for any float (<c>-1.17549435E-38</c> is 15).</summary>
    public const int MaxLength = 16;

    private const int MantissaBits = 23, ExponentBias = 127;
    private const int InverseMultiplierBits = 59, MultiplierBits = 61;

    /// <summary>⌊2^(⌈log₂5^q⌉ − 1 + 59) / 5^q⌋ + 1: dividing by 5^q as a multiplication, for floats of 2^25 and above.</summary>
    private static readonly ulong[] InversePowersOf5 = MakeInversePowersOf5(31);

    /// <summary>5^i to 61 significant bits: multiplying by 5^i, for floats below 2^25.</summary>
    private static readonly ulong[] PowersOf5 = MakePowersOf5(48);

    /// <summary>Writes <paramref name="value"/>; returns the characters written (at most <see cref="MaxLength"/>).</summary>
    public static int Write(float value, Span<char> destination)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        bool negative = (bits >> 31) != 0;
        uint fraction = bits & ((1u << MantissaBits) - 1);
        int exponent = (int)((bits >> MantissaBits) & 0xFF);
        if (exponent == 0xFF) return Special(fraction != 0 ? "NaN" : negative ? "-Infinity" : "Infinity", destination);
        int at = 0;
        if (negative) destination[at++] = '-';
        if (exponent == 0 && fraction == 0)
        {
            destination[at++] = '0';
            return at;
        }
        var (digits, power) = ShortestDigits(fraction, exponent);
        return at + Layout(digits, power, destination[at..]);
    }

    /// <summary>The same text in UTF-8 (it is ASCII); returns the bytes written.</summary>
    public static int WriteUtf8(float value, Span<byte> destination)
    {
        Span<char> text = stackalloc char[MaxLength];
        int length = Write(value, text);
        for (int i = 0; i < length; i++) destination[i] = (byte)text[i];
        return length;
    }

    private static int Special(string text, Span<char> destination)
    {
        text.CopyTo(destination);
        return text.Length;
    }

    /// <summary>
    /// The shortest decimal <c>digits × 10^power</c> in the interval of reals that round to the float
    /// (nearest to the float where several are as short; a tie goes to the even one).
    /// </summary>
    private static (uint Digits, int Power) ShortestDigits(uint fraction, int exponent)
    {
        // The float is m·2^e; scaled by 4 so the bounds, halfway to the neighbours, are integers too.
        int e2;
        uint m;
        if (exponent == 0)
        {
            e2 = 1 - ExponentBias - MantissaBits - 2;
            m = fraction;
        }
        else
        {
            e2 = exponent - ExponentBias - MantissaBits - 2;
            m = (1u << MantissaBits) | fraction;
        }
        // Round-to-even reading takes a bound itself when the mantissa is even.
        bool boundsInclusive = (m & 1) == 0;
        uint middle = 4 * m, upper = 4 * m + 2;
        // Below a power of two the lower neighbour is half as far.
        uint lowerShift = fraction != 0 || exponent <= 1 ? 1u : 0u;
        uint lower = 4 * m - 1 - lowerShift;

        uint vr, vp, vm;
        int power;
        bool lowerIsExact = false, droppedOnlyZeros = false;
        uint lastDropped = 0;
        if (e2 >= 0)
        {
            int q = Log10OfPowerOf2(e2);
            power = q;
            int shift = -e2 + q + InverseMultiplierBits + CeilLog2OfPowerOf5(q) - 1;
            vr = MultiplyShift(middle, InversePowersOf5[q], shift);
            vp = MultiplyShift(upper, InversePowersOf5[q], shift);
            vm = MultiplyShift(lower, InversePowersOf5[q], shift);
            if (q != 0 && (vp - 1) / 10 <= vm / 10)
            {
                // The loop below drops no digit, so the one just below q is needed for rounding.
                int previousShift = -e2 + q - 1 + InverseMultiplierBits + CeilLog2OfPowerOf5(q - 1) - 1;
                lastDropped = MultiplyShift(middle, InversePowersOf5[q - 1], previousShift) % 10;
            }
            if (q <= 9)
            {
                // Only here can the scaled values be exact integers (5^q divides a 26-bit number for q ≤ 10 at most).
                if (middle % 5 == 0) droppedOnlyZeros = IsMultipleOfPowerOf5(middle, q);
                else if (boundsInclusive) lowerIsExact = IsMultipleOfPowerOf5(lower, q);
                else if (IsMultipleOfPowerOf5(upper, q)) vp--;
            }
        }
        else
        {
            int q = Log10OfPowerOf5(-e2);
            power = q + e2;
            int i = -e2 - q;
            int shift = q - (CeilLog2OfPowerOf5(i) - MultiplierBits);
            vr = MultiplyShift(middle, PowersOf5[i], shift);
            vp = MultiplyShift(upper, PowersOf5[i], shift);
            vm = MultiplyShift(lower, PowersOf5[i], shift);
            if (q != 0 && (vp - 1) / 10 <= vm / 10)
            {
                int previousShift = q - 1 - (CeilLog2OfPowerOf5(i + 1) - MultiplierBits);
                lastDropped = MultiplyShift(middle, PowersOf5[i + 1], previousShift) % 10;
            }
            if (q <= 1)
            {
                // The scaled values are exact: the middle has at least two trailing zero bits.
                droppedOnlyZeros = true;
                if (boundsInclusive) lowerIsExact = lowerShift == 1;
                else vp--;
            }
            else if (q < 31)
            {
                droppedOnlyZeros = (middle & ((1u << (q - 1)) - 1)) == 0;
            }
        }

        if (lowerIsExact || droppedOnlyZeros)
        {
            // The rare exact cases: keep track of whether the lower bound and the dropped digits were whole zeros.
            while (vp / 10 > vm / 10)
            {
                lowerIsExact &= vm % 10 == 0;
                droppedOnlyZeros &= lastDropped == 0;
                DropDigit(ref vr, ref vp, ref vm, ref lastDropped, ref power);
            }
            if (lowerIsExact)
            {
                while (vm % 10 == 0)
                {
                    droppedOnlyZeros &= lastDropped == 0;
                    DropDigit(ref vr, ref vp, ref vm, ref lastDropped, ref power);
                }
            }
            // Exactly halfway between two candidates: the even one.
            if (droppedOnlyZeros && lastDropped == 5 && vr % 2 == 0) lastDropped = 4;
            bool roundUp = (vr == vm && (!boundsInclusive || !lowerIsExact)) || lastDropped >= 5;
            return (vr + (roundUp ? 1u : 0u), power);
        }
        // The common case: each quotient once (the loop runs two or three times for a typical forecast).
        for (uint vpTenth = vp / 10, vmTenth = vm / 10; vpTenth > vmTenth; vpTenth = vp / 10, vmTenth = vm / 10)
        {
            uint vrTenth = vr / 10;
            lastDropped = vr - 10 * vrTenth;
            vr = vrTenth;
            vp = vpTenth;
            vm = vmTenth;
            power++;
        }
        return (vr + (vr == vm || lastDropped >= 5 ? 1u : 0u), power);
    }

    /// <summary>One digit fewer of the candidate and of the bounds; the candidate's last digit is kept as the one dropped.</summary>
    private static void DropDigit(ref uint vr, ref uint vp, ref uint vm, ref uint lastDropped, ref int power)
    {
        lastDropped = vr % 10;
        vr /= 10;
        vp /= 10;
        vm /= 10;
        power++;
    }

    /// <summary><c>digits × 10^power</c> as .NET's general format writes it, trailing zeros of the digits dropped.</summary>
    private static int Layout(uint digits, int power, Span<char> destination)
    {
        for (uint tenth = digits / 10; digits == 10 * tenth; tenth = digits / 10)
        {
            digits = tenth;
            power++;
        }
        // From the bit length (1233/4096 is just above log₁₀2): the count of digits or one less, told apart by one comparison.
        int atLeast = (BitOperations.Log2(digits) + 1) * 1233 >> 12;
        int count = atLeast + (digits >= PowersOf10[atLeast] ? 1 : 0);
        // The power of ten of the first digit.
        int scientific = power + count - 1;
        if (scientific is >= -4 and < 9)
        {
            if (scientific < 0)
            {
                int zeros = -scientific - 1;
                destination[0] = '0';
                destination[1] = '.';
                destination.Slice(2, zeros).Fill('0');
                WriteDigits(digits, destination.Slice(2 + zeros, count));
                return 2 + zeros + count;
            }
            int whole = scientific + 1;
            if (count <= whole)
            {
                WriteDigits(digits, destination[..count]);
                destination[count..whole].Fill('0');
                return whole;
            }
            uint scale = PowersOf10[count - whole];
            WriteDigits(digits / scale, destination[..whole]);
            destination[whole] = '.';
            WriteDigits(digits % scale, destination.Slice(whole + 1, count - whole));
            return count + 1;
        }
        int at = 1;
        uint first = PowersOf10[count - 1];
        destination[0] = (char)('0' + digits / first);
        if (count > 1)
        {
            destination[at++] = '.';
            WriteDigits(digits % first, destination.Slice(at, count - 1));
            at += count - 1;
        }
        destination[at++] = 'E';
        destination[at++] = scientific < 0 ? '-' : '+';
        int magnitude = Math.Abs(scientific);
        destination[at++] = (char)('0' + magnitude / 10);
        destination[at++] = (char)('0' + magnitude % 10);
        return at;
    }

    private static readonly uint[] PowersOf10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

    /// <summary>"00" to "99": digits are written two at a time, half as many divisions in a row.</summary>
    private static readonly char[] DigitPairs = [.. Enumerable.Range(0, 100).SelectMany(n => new[] { (char)('0' + n / 10), (char)('0' + n % 10) })];

    /// <summary>The value's decimal digits filling <paramref name="into"/>, with leading zeros where it is shorter.</summary>
    private static void WriteDigits(uint value, Span<char> into)
    {
        int i = into.Length;
        while (i >= 2)
        {
            uint hundredth = value / 100;
            uint pair = 2 * (value - 100 * hundredth);
            value = hundredth;
            into[--i] = DigitPairs[pair + 1];
            into[--i] = DigitPairs[pair];
        }
        if (i == 1) into[0] = (char)('0' + value % 10);
    }

    /// <summary>(m · multiplier) >> shift, for a 32-bit m, a 64-bit multiplier and a shift of more than 32, without a 128-bit product.</summary>
    private static uint MultiplyShift(uint m, ulong multiplier, int shift)
    {
        ulong low = (ulong)m * (uint)multiplier;
        ulong high = (ulong)m * (uint)(multiplier >> 32);
        return (uint)(((low >> 32) + high) >> (shift - 32));
    }

    /// <summary>⌈log₂ 5^e⌉ for e ≥ 1 (and 1 for e = 0), in integers.</summary>
    private static int CeilLog2OfPowerOf5(int e) => (int)(((uint)e * 1217359) >> 19) + 1;

    /// <summary>⌊log₁₀ 2^e⌋, in integers.</summary>
    private static int Log10OfPowerOf2(int e) => (int)(((uint)e * 78913) >> 18);

    /// <summary>⌊log₁₀ 5^e⌋, in integers.</summary>
    private static int Log10OfPowerOf5(int e) => (int)(((uint)e * 732923) >> 20);

    private static bool IsMultipleOfPowerOf5(uint value, int p)
    {
        int factors = 0;
        while (value != 0 && value % 5 == 0)
        {
            value /= 5;
            factors++;
        }
        return factors >= p;
    }

    private static ulong[] MakeInversePowersOf5(int count)
    {
        var table = new ulong[count];
        for (int q = 0; q < count; q++)
            table[q] = (ulong)((BigInteger.One << (CeilLog2OfPowerOf5(q) - 1 + InverseMultiplierBits)) / BigInteger.Pow(5, q) + 1);
        return table;
    }

    private static ulong[] MakePowersOf5(int count)
    {
        var table = new ulong[count];
        for (int i = 0; i < count; i++)
        {
            var power = BigInteger.Pow(5, i);
            int excess = CeilLog2OfPowerOf5(i) - MultiplierBits;
            table[i] = (ulong)(excess >= 0 ? power >> excess : power << -excess);
        }
        return table;
    }
}
