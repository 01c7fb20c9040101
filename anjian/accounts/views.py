from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anjian.accounts import permissions as perms
from anjian.accounts import selectors, services
from anjian.accounts.forms import TokenForm, UserForm
from anjian.accounts.models import ApiToken, User
from anjian.core.access import PUBLIC, requires
from anjian.core.models import SiteFlag


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误。连续多次错误后账号将被暂时锁定。"),
        "inactive": _("该账号已停用，请联系系统管理员。"),
    }


class LoginView(auth_views.LoginView):
    access = PUBLIC
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if SiteFlag.objects.filter(key=SiteFlag.DEMO_DATA).exists():
            context["demo_accounts"] = User.objects.filter(is_demo=True, is_active=True).order_by(
                "pk"
            )
        return context


class LogoutView(auth_views.LogoutView):
    access = PUBLIC


def lockout(request, credentials=None, *args, **kwargs):
    """django-axes calls this when a username+address pair is locked out."""
    return render(request, "accounts/lockout.html", status=429)


lockout.access = PUBLIC


@require_http_methods(["GET", "POST"])
@requires(perms.PROFILE)
def profile(request):
    password_form = PasswordChangeForm(request.user, request.POST or None, prefix="pw")
    token_form = TokenForm(prefix="token")
    if request.method == "POST" and password_form.is_valid():
        user = password_form.save()
        update_session_auth_hash(request, user)
        messages.success(request, _("密码已修改"))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "password_form": password_form,
            "token_form": token_form,
            "tokens": request.user.api_tokens.all(),
            "new_token": request.session.pop("new_api_token", None),
        },
    )


@require_POST
@requires(perms.PROFILE)
def token_create(request):
    form = TokenForm(request.POST, prefix="token")
    if form.is_valid():
        _token, raw = ApiToken.issue(
            user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
        # Shown once on the next page, then gone: only its digest is stored.
        request.session["new_api_token"] = raw
        messages.success(request, _("已创建 API 令牌，请立即复制保存，离开页面后将无法再次查看。"))
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("accounts:profile")


@require_POST
@requires(perms.PROFILE)
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.token_revoke(token=token)
    messages.success(request, _("已吊销令牌“%(name)s”") % {"name": token.name})
    return redirect("accounts:profile")


@require_http_methods(["GET"])
@requires(perms.USER_MANAGE)
def user_list(request):
    users = selectors.users_for(request.user, request.GET.get("q", ""))
    return render(
        request, "accounts/user_list.html", {"users": users, "q": request.GET.get("q", "")}
    )


@require_http_methods(["GET", "POST"])
@requires(perms.USER_MANAGE)
def user_create(request):
    form = UserForm(request.POST or None, by=request.user)
    if request.method == "POST" and form.is_valid():
        user = services.user_create(by=request.user, form=form)
        messages.success(request, _("已创建用户 %(u)s") % {"u": user.username})
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "target": None})


@require_http_methods(["GET", "POST"])
@requires(perms.USER_MANAGE)
def user_edit(request, pk: int):
    target = get_object_or_404(selectors.users_for(request.user, ""), pk=pk)
    form = UserForm(request.POST or None, instance=target, by=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update(by=request.user, form=form)
        messages.success(request, _("已保存用户 %(u)s") % {"u": target.username})
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "target": target})
