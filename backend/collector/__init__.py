"""The edge collector: reads PLC tags over OPC UA and Modbus and ships them to the API.

Layout: ``config`` (TOML, validated), ``sample`` (the one value type), ``adapters/`` (one folder per
protocol, the only code that imports a protocol library), ``emitter`` (report-by-exception, stale
markers, sequence numbers), ``spool`` (durable SQLite FIFO), ``sink`` (HTTP sender), ``runtime``
(one supervised task per source), ``simulate/`` (demo PLCs that double as test peers).
"""
