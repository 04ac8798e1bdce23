using System.Globalization;
using System.Text.Json;
using Akka.Configuration;

namespace RnnStream.Host.Configuration;

/// <summary>
/// A deployment's HOCON: the file, the command-line overrides on top, and reference.conf (every key
/// with its default) beneath. Paths in the file are relative to the file; paths given on the
/// command line (--set) are relative to the current directory, as a shell user expects.
/// </summary>
internal sealed class DeploymentConfig
{
    private const string Root = "rnnstream";

    private DeploymentConfig(Config config, string baseDirectory, IReadOnlySet<string> setOnCommandLine)
    {
        Config = config;
        BaseDirectory = baseDirectory;
        _setOnCommandLine = setOnCommandLine;
    }

    private readonly IReadOnlySet<string> _setOnCommandLine;

    public Config Config { get; }

    /// <summary>Directory that relative paths in the configuration are resolved against.</summary>
    public string BaseDirectory { get; }

    public static Config Reference { get; } = LoadReference();

    public static DeploymentConfig Load(string? file, IEnumerable<string> overrides)
    {
        if (file is null) return Parse(null, Directory.GetCurrentDirectory(), overrides);
        if (!File.Exists(file)) throw new FileNotFoundException($"config file '{file}' does not exist", file);
        return Parse(File.ReadAllText(file), Path.GetDirectoryName(Path.GetFullPath(file))!, overrides);
    }

    /// <summary>A deployment given as HOCON text (an embedding application's own); its relative paths resolve against <paramref name="baseDirectory"/>.</summary>
    public static DeploymentConfig Parse(string? hocon, string baseDirectory, IEnumerable<string> overrides)
    {
        Config config = hocon is null ? Reference : ConfigurationFactory.ParseString(hocon).WithFallback(Reference);
        var setOnCommandLine = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in overrides)
        {
            config = Override(item).WithFallback(config);
            setOnCommandLine.Add(KeyOf(item));
        }
        Validate(config);
        return new DeploymentConfig(config, baseDirectory, setOnCommandLine);
    }

    /// <summary>The full key (with the `rnnstream.` prefix) of a `key=value`.</summary>
    internal static string KeyOf(string assignment)
    {
        int equals = assignment.IndexOf('=');
        if (equals <= 0) throw new ArgumentException($"--set expects key=value, got '{assignment}'");
        string key = assignment[..equals].Trim();
        return key.StartsWith(Root + ".", StringComparison.Ordinal) ? key : $"{Root}.{key}";
    }

    /// <summary>One `key=value` from the command line as a config layer; plain values are quoted so paths and times survive HOCON.</summary>
    public static Config Override(string assignment)
    {
        string key = KeyOf(assignment);
        string value = assignment[(assignment.IndexOf('=') + 1)..].Trim();
        if (!Reference.HasPath(key)) throw new ArgumentException($"unknown config key '{key}' (see config/reference.conf)");
        bool literal = value.StartsWith('"') || value.StartsWith('[') || value.StartsWith('{') || value is "on" or "off" or "true" or "false"
            || double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        return ConfigurationFactory.ParseString($"{key} = {(literal ? value : JsonSerializer.Serialize(value))}");
    }

    public string String(string path) => Typed(path, "a string", () => Config.GetString($"{Root}.{path}") ?? "");
    public int Int(string path) => Typed(path, "a whole number", () => Config.GetInt($"{Root}.{path}"));
    public long Long(string path) => Typed(path, "a whole number", () => Config.GetLong($"{Root}.{path}"));
    public double Double(string path) => Typed(path, "a number", () => Config.GetDouble($"{Root}.{path}"));
    public bool Bool(string path) => Typed(path, "on or off", () => Config.GetBoolean($"{Root}.{path}"));
    public IReadOnlyList<string> Strings(string path) => Typed(path, "a list such as [a, b]", () => Config.GetStringList($"{Root}.{path}")?.ToArray() ?? []);

    /// <summary>A list of whole numbers; a single number is a list of one (<c>model.layers=32</c> is one layer of 32).</summary>
    public IReadOnlyList<int> Ints(string path) =>
        Config.GetValue($"{Root}.{path}") is { } value && !value.IsArray() && !value.IsEmpty
            ? [Int(path)]
            : Typed(path, "a list of whole numbers such as [32, 16]", () => Config.GetIntList($"{Root}.{path}")?.ToArray() ?? []);

    /// <summary>A value read as its type; a value of another type is an error that names the key, the value and the type wanted.</summary>
    private T Typed<T>(string path, string expected, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is FormatException or OverflowException or InvalidCastException or Akka.Configuration.ConfigurationException or NullReferenceException)
        {
            string text;
            try
            {
                text = Config.GetValue($"{Root}.{path}")?.ToString() ?? "";
            }
            catch (Exception)
            {
                text = "?";
            }
            throw new ArgumentException($"{path} = '{text}' is not {expected}");
        }
    }

    /// <summary>
    /// An enumerated key's value, mapped by name. Anything else is an error naming the key and what it
    /// allows: a misspelt value must not quietly become the default.
    /// </summary>
    public T Choice<T>(string path, params (string Name, T Value)[] allowed)
    {
        string text = String(path);
        foreach (var (name, value) in allowed)
            if (name == text) return value;
        throw new ArgumentException($"{path} '{text}' is not one of: {string.Join(", ", allowed.Select(a => a.Name).Distinct())}");
    }

    /// <summary>An enumerated key whose value is kept as its name.</summary>
    public string OneOf(string path, params string[] allowed) => Choice(path, allowed.Select(name => (name, name)).ToArray());

    /// <summary>A duration such as 30m or 7d; empty or "off" is none.</summary>
    public TimeSpan? Duration(string path)
    {
        string text = String(path);
        if (string.IsNullOrWhiteSpace(text) || text == "off") return null;
        return Typed(path, "a duration such as 500ms, 30s, 5m, 2h or 7d", () => Config.GetTimeSpan($"{Root}.{path}"));
    }

    /// <summary>A path from the configuration, resolved against <see cref="BaseDirectory"/> (the current directory if it was set on the command line); null when empty.</summary>
    public string? PathOf(string path)
    {
        string text = String(path);
        if (string.IsNullOrWhiteSpace(text)) return null;
        return Path.GetFullPath(Path.Combine(_setOnCommandLine.Contains($"{Root}.{path}") ? Directory.GetCurrentDirectory() : BaseDirectory, text));
    }

    /// <summary>A misspelt key would otherwise be ignored silently and its default used.</summary>
    private static void Validate(Config config)
    {
        foreach (var key in Leaves(config.GetValue(Root), Root))
        {
            if (!Reference.HasPath(key))
                throw new ArgumentException($"unknown config key '{key}' (see config/reference.conf)");
        }
    }

    private static IEnumerable<string> Leaves(Akka.Configuration.Hocon.HoconValue? value, string prefix)
    {
        if (value is null || !value.IsObject())
        {
            yield return prefix;
            yield break;
        }
        foreach (var (key, child) in value.GetObject().Items)
            foreach (var leaf in Leaves(child, $"{prefix}.{key}"))
                yield return leaf;
    }

    private static Config LoadReference()
    {
        using var stream = typeof(DeploymentConfig).Assembly.GetManifestResourceStream("reference.conf")
            ?? throw new InvalidOperationException("reference.conf is not embedded in the host");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}
