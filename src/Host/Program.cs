using RnnStream.Host;

// Signals are the run's own business (CoordinatedShutdown drains the stream, however long that
// takes); System.CommandLine would otherwise cancel and give up after two seconds.
return CommandLine.Build().Parse(args).Invoke(new System.CommandLine.InvocationConfiguration { ProcessTerminationTimeout = null });
