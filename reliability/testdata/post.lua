-- wrk script for TestLoad: POST the sleep fixture's zero-length event, as our trigger sends it.
-- Fresh-connection mode adds -H "Connection: close" on wrk's command line.
wrk.method = "POST"
wrk.body = '{"sleep":0}'
wrk.headers["Content-Type"] = "application/json"
