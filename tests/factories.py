"""factory-boy factories shared by the whole suite."""

import factory

from notifyadmin.accounts.models import Organisation, RoleAssignment, StaffUser
from notifyadmin.accounts.roles import Role

TEST_PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("ods_code",)

    ods_code = factory.Sequence(lambda n: f"R{n:02d}X")
    name = factory.Sequence(lambda n: f"Test NHS Trust {n}")


class StaffUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffUser
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@trust.example.nhs.uk")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(StaffUserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.CONTENT_DESIGNER
