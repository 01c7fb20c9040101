"""Download of an enforcement document (.docx) — filled in by the documents work."""

from django.http import Http404


def document_download(request, pk: int):
    raise Http404
