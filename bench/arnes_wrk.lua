-- Al terminar, wrk escribe una línea JSON con los percentiles exactos de su histograma (en
-- microsegundos), las solicitudes y los errores; bench/arnes_http.py la busca por "arnes_wrk".
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"arnes_wrk": 1, "solicitudes": %d, "duracion_us": %d, "bytes": %d, ' ..
    '"errores_conexion": %d, "errores_lectura": %d, "errores_escritura": %d, ' ..
    '"errores_estado": %d, "errores_tiempo": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "media_us": %.1f, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
