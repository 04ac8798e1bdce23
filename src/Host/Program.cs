using RnnStream.Host;

return CommandLine.Build().Parse(args).Invoke();
