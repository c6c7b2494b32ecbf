import pytest

from tests.training.loading import load_training_data


@pytest.fixture(scope="session")
def training_data(django_db_setup, django_db_blocker, tmp_path_factory, data_dir):
    return load_training_data(django_db_blocker, tmp_path_factory.mktemp("demo-training"), data_dir)
