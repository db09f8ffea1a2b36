from .notifications import unread_count
from .scoping import Role, user_scope


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"portal_scope": None, "unread_notifications": 0}
    return {
        "portal_scope": user_scope(user),
        "portal_roles": Role,
        "unread_notifications": unread_count(user),
    }
