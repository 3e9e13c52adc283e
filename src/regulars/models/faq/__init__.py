"""The FAQ assistant's retrieval: a shop's own questions and answers, found by BM25."""

from regulars.models.faq._retriever import FaqEntry, FaqRetriever, read_faq

__all__ = ["FaqEntry", "FaqRetriever", "read_faq"]
