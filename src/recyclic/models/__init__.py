"""All models, imported here so Alembic and the mapper registry see every table."""

from recyclic.models.base import Base
from recyclic.models.category import Category
from recyclic.models.site import Site
from recyclic.models.user import Role, User, UserStatus

__all__ = ["Base", "Category", "Role", "Site", "User", "UserStatus"]
