using System.Diagnostics;
using Npgsql;
using Xunit;

namespace RnnStream.Host.Tests;

/// <summary>
/// A throwaway PostgreSQL server for the tests that run the store on it: Debian's `postgresql`
/// binaries, `initdb` into a temporary folder, listening on a free loopback port, stopped and
/// deleted at the end. Under root (as CI runs) the server runs as the `postgres` user, since
/// PostgreSQL refuses root. Each test asks for a database of its own.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"rnnstream-pg-{Guid.NewGuid():N}");
    private string _bin = "";

    public int Port { get; private set; }

    public async Task InitializeAsync()
    {
        _bin = FindBinaries();
        Directory.CreateDirectory(_directory);
        if (Environment.UserName == "root") await Run("chown", ["postgres:postgres", _directory]);
        await RunServerTool("initdb", ["-D", _directory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
        Port = Loopback.FreePort();
        await RunServerTool("pg_ctl", ["-D", _directory, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60", "start",
            "-o", $"-p {Port} -c listen_addresses=127.0.0.1 -k {_directory}"]);
    }

    /// <summary>A new, empty database; the connection string that reaches it.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        string name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)];
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        return ConnectionString(name);
    }

    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database}";

    public async Task DisposeAsync()
    {
        try
        {
            if (Port != 0) await RunServerTool("pg_ctl", ["-D", _directory, "-m", "immediate", "-w", "stop"]);
        }
        finally
        {
            if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>The newest server under /usr/lib/postgresql (Debian's layout), else one on PATH.</summary>
    private static string FindBinaries()
    {
        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out int major) ? major : 0).FirstOrDefault()
            : null;
        if (installed is not null) return installed;
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
        return onPath ?? throw new InvalidOperationException(
            "the PostgreSQL tests need a PostgreSQL server's binaries (initdb, pg_ctl): on Debian, apt-get install postgresql (.ci/run installs it when missing)");
    }

    private Task RunServerTool(string tool, string[] args) => Environment.UserName == "root"
        ? Run("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args])
        : Run(Path.Combine(_bin, tool), args);

    private static async Task Run(string program, string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', args)} exited {process.ExitCode}: {await errors} {await output}");
    }
}

/// <summary>The tests that share one throwaway PostgreSQL server (started once, stopped at the end).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgresql";
}
