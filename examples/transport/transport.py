"""A class as a model might generate it: the tests expect attributes the model never defined."""


class TransportError(Exception):
    pass


class Transport:
    """Sends requests."""

    def __init__(self, timeout=10):
        self.timeout = timeout

    def open(self, request):
        return self.send(request)

    def send(self, request):
        if not request:
            raise TransportError("empty request")
        return request

    def headers_for(self, names):
        return {name.title(): "" for name in names}


class HttpTransport(Transport):
    def __init__(self, url):
        self.url = url  # forgets super().__init__(): self.timeout never exists

    def send(self, request):
        return super().snd(request), self.timeout
