import regulars
import regulars.ingest
import regulars.store


def test_all_is_sorted_and_complete():
    for module in (regulars, regulars.ingest, regulars.store):
        assert list(module.__all__) == sorted(module.__all__)
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"
