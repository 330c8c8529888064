import transport as module_0


def test_options():
    transport_0 = module_0.Transport()
    assert transport_0.options is not None


def test_pattern():
    assert module_0.Transport.timeout == 10


def test_http():
    http = module_0.HttpTransport("http://example.org")
    http.send("ping")


def test_missing_class():
    module_0.SoapTransport()


def test_retries():
    module_0.Transport(timeout=5, retries=3)


def test_headers():
    module_0.Transport().headers_for(None)
